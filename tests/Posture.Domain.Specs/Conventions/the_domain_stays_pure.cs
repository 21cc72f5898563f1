using System.Reflection;
using System.Runtime.CompilerServices;
using Posture.Domain.Bases;
using Posture.Domain.Common;

namespace Posture.Domain.Specs.Conventions;

/// <summary>The domain references NodaTime only, and its facts and state cannot be changed once made.</summary>
public sealed class the_domain_stays_pure
{
    private static readonly Assembly Domain = typeof(Base).Assembly;

    /// <summary>Past tenses that do not end in "ed"; a new one is added here on purpose, not by accident.</summary>
    private static readonly string[] IrregularPastParticiples = ["Withdrawn", "Set"];

    [Fact]
    public void the_domain_references_nothing_but_the_runtime_and_nodatime()
    {
        var references = Domain.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        references.ShouldContain("NodaTime");
        references
            .Where(name => name != "NodaTime" && name != "netstandard" && !name.StartsWith("System", StringComparison.Ordinal)
                           && !name.StartsWith("Microsoft.Win32", StringComparison.Ordinal))
            .ShouldBeEmpty();
    }

    [Fact]
    public void no_public_domain_type_has_a_settable_property()
    {
        var settable = Domain.GetExportedTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(p => p.SetMethod is { IsPublic: true } setter &&
                        !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}");
        settable.ShouldBeEmpty();
    }

    [Fact]
    public void events_are_sealed_records_named_in_the_past_tense()
    {
        var events = Domain.GetExportedTypes().Where(t => t.IsAssignableTo(typeof(IDomainEvent)) && !t.IsInterface).ToList();
        events.Count.ShouldBeGreaterThanOrEqualTo(2);
        events.ShouldAllBe(t => t.IsSealed && t.GetMethod("<Clone>$") != null);
        events.ShouldAllBe(t => t.Name.EndsWith("ed", StringComparison.Ordinal) ||
                                IrregularPastParticiples.Any(word => t.Name.EndsWith(word, StringComparison.Ordinal)));
    }
}
