using System.Text;
using System.Text.RegularExpressions;

namespace Nvoi.Credentials;

/// <summary>
/// The YAML a first <c>nvoi credentials edit</c> opens in the editor: the shape of nvoi 0.2.0's default
/// (name, environment, Cloudflare and Hetzner placeholders, a master server group, one web app,
/// commented database/env/secrets examples) with a freshly generated deploy key pair.
/// </summary>
public static partial class CredentialsTemplate
{
    /// <summary>Renders the template with a new deploy key pair (comment "nvoi-deploy").</summary>
    public static string Render(string name = "myapp", string environment = "production")
        => Render(SshKeyGenerator.GenerateEd25519(), name, environment);

    /// <summary>Renders the template around the given key pair.</summary>
    public static string Render(SshKeyPair keys, string name = "myapp", string environment = "production")
    {
        ArgumentNullException.ThrowIfNull(keys);
        var sb = new StringBuilder();
        sb.Append($"""
            # nvoi deployment configuration.
            # Stored encrypted in deploy.enc; the key is deploy.key (keep it out of git).

            application:
              name: {Scalar(name)}
              environment: {Scalar(environment)}

              domain_provider:
                cloudflare:
                  api_token: YOUR_CLOUDFLARE_API_TOKEN
                  account_id: YOUR_CLOUDFLARE_ACCOUNT_ID

              compute_provider:
                hetzner:
                  api_token: YOUR_HETZNER_API_TOKEN
                  server_type: cx22
                  server_location: fsn1

              servers:
                master:
                  type: cx22
                  location: fsn1

              keep_count: 2

              app:
                web:
                  servers: [master]
                  domain: example.com
                  subdomain: app
                  port: 3000
                  healthcheck:
                    type: http
                    path: /health
                    port: 3000

              # A managed PostgreSQL on the master server:
              # database:
              #   servers: [master]
              #   adapter: postgres
              #   image: postgres:16-alpine
              #   secrets:
              #     POSTGRES_USER: myapp
              #     POSTGRES_PASSWORD: YOUR_DB_PASSWORD
              #     POSTGRES_DB: myapp_production
              #
              # Or SQLite in a server volume:
              # database:
              #   servers: [master]
              #   adapter: sqlite3
              #   mount:
              #     db: /app/data

              env:
                # Plain environment variables for every app container, e.g.
                # RAILS_ENV: production

              secrets:
                # Secret values, injected as environment variables, e.g.
                # SECRET_KEY_BASE: YOUR_SECRET_KEY_BASE

              # Deploy SSH key pair, generated for this project. Do not edit.
              ssh_keys:
                private_key: |

            """);
        foreach (var line in keys.PrivateKey.TrimEnd('\n').Split('\n'))
            sb.Append("      ").Append(line).Append('\n');
        sb.Append("    public_key: ").Append(Scalar(keys.PublicKey)).Append('\n');
        return sb.ToString();
    }

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
        { "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n" };

    // Plain YAML scalars stay plain; anything else is double-quoted.
    private static string Scalar(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (PlainScalar().IsMatch(value) && !Reserved.Contains(value) && !double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _))
            return value;
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_./][A-Za-z0-9_./+= -]*[A-Za-z0-9_./+=-]$|^[A-Za-z0-9_./]$")]
    private static partial Regex PlainScalar();
}
