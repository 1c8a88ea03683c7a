namespace Nvoi.Sandbox.Aws;

/// <summary>The fixed part of the emulated EC2: regions, instance types and Canonical's Ubuntu images.</summary>
internal static class Ec2Catalogue
{
    public const string CanonicalOwnerId = "099720109477";
    public const string AccountId = "123456789012";

    public static readonly IReadOnlyList<string> Regions =
    [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2",
        "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
        "ap-northeast-1", "sa-east-1",
    ];

    public sealed record InstanceType(string Name, int VCpus, int MemoryMiB, string Architecture, string Hypervisor);

    public static readonly IReadOnlyList<InstanceType> InstanceTypes =
    [
        new("t2.micro", 1, 1024, "x86_64", "xen"),
        new("t3.micro", 2, 1024, "x86_64", "nitro"),
        new("t3.small", 2, 2048, "x86_64", "nitro"),
        new("t3.medium", 2, 4096, "x86_64", "nitro"),
        new("t3.large", 2, 8192, "x86_64", "nitro"),
        new("t3.xlarge", 4, 16384, "x86_64", "nitro"),
        new("t3a.small", 2, 2048, "x86_64", "nitro"),
        new("t3a.medium", 2, 4096, "x86_64", "nitro"),
        new("t4g.micro", 2, 1024, "arm64", "nitro"),
        new("t4g.small", 2, 2048, "arm64", "nitro"),
        new("t4g.medium", 2, 4096, "arm64", "nitro"),
        new("t4g.large", 2, 8192, "arm64", "nitro"),
        new("m5.large", 2, 8192, "x86_64", "nitro"),
        new("m6g.large", 2, 8192, "arm64", "nitro"),
        new("m7g.large", 2, 8192, "arm64", "nitro"),
        new("c6g.large", 2, 4096, "arm64", "nitro"),
        new("c7i.large", 2, 4096, "x86_64", "nitro"),
    ];

    public sealed record Image(string Id, string Name, string Architecture, string CreationDate, string OwnerId);

    public static readonly IReadOnlyList<Image> Images =
    [
        new("ami-0a7d80731ae1b2435", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115", "x86_64", "2025-01-15T10:12:41.000Z", CanonicalOwnerId),
        new("ami-04b4f1a9cf54c11d0", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250305", "x86_64", "2025-03-05T07:31:04.000Z", CanonicalOwnerId),
        new("ami-0c1ac8a41498c1a9c", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250115", "arm64", "2025-01-15T10:14:22.000Z", CanonicalOwnerId),
        new("ami-0a3c14e1ddbe7f23c", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250305", "arm64", "2025-03-05T07:33:50.000Z", CanonicalOwnerId),
        new("ami-0e2c8caa4b6378d8c", "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250305", "x86_64", "2025-03-05T06:20:11.000Z", CanonicalOwnerId),
        new("ami-0f9de6e2d2f067fca", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250401", "x86_64", "2025-04-01T08:00:00.000Z", "999999999999"),
    ];
}
