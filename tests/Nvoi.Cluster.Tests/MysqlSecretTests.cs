using System.Text;
using Nvoi.Cluster;
using Nvoi.Configuration;

namespace Nvoi.Cluster.Tests;

public class MysqlSecretTests
{
    private static Database Mysql(Dictionary<string, string> secrets) => new() { Adapter = "mysql", Servers = ["master"], Secrets = secrets };

    private static string Value(k8s.Models.V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    [Fact]
    public void The_mysql_root_password_defaults_to_the_users_as_in_0_2_0()
    {
        var secret = ManifestBuilder.DatabaseSecret(new Names("api"), Mysql(new() { ["MYSQL_USER"] = "api", ["MYSQL_PASSWORD"] = "pw", ["MYSQL_DATABASE"] = "db" }));
        Assert.Equal("pw", Value(secret, "MYSQL_ROOT_PASSWORD"));
    }

    [Fact]
    public void A_configured_root_password_is_kept()
    {
        var secret = ManifestBuilder.DatabaseSecret(new Names("api"), Mysql(new() { ["MYSQL_PASSWORD"] = "pw", ["MYSQL_ROOT_PASSWORD"] = "root" }));
        Assert.Equal("root", Value(secret, "MYSQL_ROOT_PASSWORD"));
    }
}
