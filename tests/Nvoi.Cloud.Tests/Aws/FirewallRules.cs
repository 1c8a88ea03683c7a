using Nvoi.Sandbox.Aws;

namespace Nvoi.Cloud.Tests.Aws;

internal static class FirewallRules
{
    /// <summary>Exactly two inbound rules: SSH from anywhere, and everything from the VPC (the servers' private network).</summary>
    public static void AssertExpected(IEnumerable<Permission> ingress)
    {
        var rules = ingress.ToList();
        Assert.Equal(2, rules.Count);
        Assert.Contains(new Permission("tcp", 22, 22, "0.0.0.0/0"), rules);
        Assert.Contains(rules, r => r.Protocol == "-1" && r.Cidr == "10.0.0.0/16");
    }
}
