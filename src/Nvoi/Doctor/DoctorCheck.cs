namespace Nvoi.Doctor;

/// <summary>Outcome of one doctor check.</summary>
public enum CheckStatus
{
    /// <summary>Works.</summary>
    Ok,
    /// <summary>Works, but should be fixed.</summary>
    Warning,
    /// <summary>Broken: commands that need it will fail.</summary>
    Failed,
}

/// <summary>One line of `nvoi doctor`: what was checked, what was found, and how to fix a failure.</summary>
public sealed record DoctorCheck(string Name, CheckStatus Status, string Detail, string? Fix = null)
{
    public static DoctorCheck Ok(string name, string detail) => new(name, CheckStatus.Ok, detail);
    public static DoctorCheck Warn(string name, string detail, string fix) => new(name, CheckStatus.Warning, detail, fix);
    public static DoctorCheck Fail(string name, string detail, string fix) => new(name, CheckStatus.Failed, detail, fix);
}
