using Nvoi.Build;

namespace Nvoi.Doctor;

/// <summary>Checks of this machine: programs on PATH, the Docker engine, the key file's permissions.</summary>
public static class LocalChecks
{
    /// <summary>docker on <paramref name="pathVariable"/> and its engine answering `docker info`.</summary>
    public static async Task<DoctorCheck> DockerAsync(string? pathVariable, CancellationToken ct)
    {
        const string name = "docker";
        if (DockerCommands.FindOnPath(pathVariable) is null)
            return DoctorCheck.Fail(name, "docker is not installed (no docker on PATH)",
                "install Docker (https://docs.docker.com/engine/install/) or use --sandbox, which builds nothing");
        var status = await DockerAvailability.CheckAsync(pathVariable, ct).ConfigureAwait(false);
        return status.Available
            ? DoctorCheck.Ok(name, status.Reason)
            : DoctorCheck.Fail(name, status.Reason,
                "start the Docker engine (`sudo systemctl start docker`) and make sure your user may use it (`sudo usermod -aG docker $USER`)");
    }

    /// <summary>An ssh client on <paramref name="pathVariable"/> (used by `nvoi exec -i`).</summary>
    public static DoctorCheck Ssh(string? pathVariable)
    {
        var ssh = DockerCommands.FindOnPath(pathVariable, "ssh");
        return ssh is not null
            ? DoctorCheck.Ok("ssh", $"ssh client at {ssh}")
            : DoctorCheck.Warn("ssh", "no ssh client on PATH (only `nvoi exec -i` needs it)",
                "install OpenSSH (`sudo apt-get install openssh-client`, `brew install openssh`)");
    }

    /// <summary>The master key file is readable by its owner only (mode 0600).</summary>
    public static DoctorCheck KeyFileMode(string path)
    {
        const string name = "deploy.key";
        if (OperatingSystem.IsWindows()) return DoctorCheck.Ok(name, $"{path} (permissions not checked on Windows)");
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                                    UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var octal = Convert.ToString((int)mode, 8).PadLeft(4, '0');
        return (mode & others) == 0
            ? DoctorCheck.Ok(name, $"{path} is private (mode {octal})")
            : DoctorCheck.Warn(name, $"{path} can be read by others (mode {octal})", $"chmod 600 {path}");
    }
}
