namespace Nvoi.Cli.Tests.Doctor;

/// <summary>A temporary directory used as the PATH given to nvoi, holding only the programs a test puts there.</summary>
public sealed class FakePath : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("nvoi-path-").FullName;

    /// <summary>Adds an executable shell script named <paramref name="name"/>.</summary>
    public FakePath With(string name, string script)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return this;
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
