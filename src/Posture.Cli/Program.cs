// `posture`: everything is composed in PostureCli.
using Posture.Cli;
using Posture.Cli.Hosting;

return await PostureCli.RunAsync(args, CliEnvironment.FromProcess());
