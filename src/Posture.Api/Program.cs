// The HTTP host's entry point: everything is composed in PostureApi.
return await Posture.Api.PostureApi.RunAsync(args);
