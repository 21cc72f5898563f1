// What every endpoint file uses: the bus, Wolverine's HTTP attributes, command outcomes and their HTTP mapping.
global using Posture.Api.Http;
global using Posture.Infrastructure.Bus;
global using Wolverine;
global using Wolverine.Http;
global using Posture.Api.Auth;
