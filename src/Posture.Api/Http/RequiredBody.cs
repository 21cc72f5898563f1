using JasperFx.CodeGeneration.Frames;
using Wolverine.Http.CodeGen;

namespace Posture.Api.Http;

/// <summary>
/// A write whose body is the JSON literal <c>null</c> is refused with a 400 before its endpoint runs. The JSON reader
/// gives such a body to the endpoint as a null request, which no endpoint can act on.
/// </summary>
public static class RequiredBody
{
    /// <summary>Puts the check in front of an endpoint that reads a JSON body.</summary>
    public static void Apply(HttpChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (!chain.HasRequestType || chain.RequestType!.IsValueType)
        {
            return;
        }

        var check = new MethodCall(typeof(RequiredBody), typeof(RequiredBody).GetMethod(nameof(Check))!.MakeGenericMethod(chain.RequestType!));
        chain.Middleware.InsertRange(0, [check, new MaybeEndWithResultFrame(check.ReturnVariable!)]);
    }

    public static IResult Check<TRequest>(TRequest? request) where TRequest : class =>
        request is null ? CommandResults.Invalid("body", "send a JSON object") : WolverineContinue.Result();
}
