using System.Collections;
using System.Reflection;
using System.Text;

namespace Nvoi.Configuration.Editing;

/// <summary>
/// Flattens a config model into YAML paths and scalar values
/// (<c>application.servers.master.count = 1</c>), to describe what an edit changed.
/// </summary>
public static class ConfigFlattener
{
    public static SortedDictionary<string, string> Flatten(DeployConfig config)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk("application", config.Application, result);
        return result;
    }

    private static void Walk(string path, object? value, IDictionary<string, string> into)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                into[path] = s;
                return;
            case bool b:
                into[path] = b ? "true" : "false";
                return;
            case int or long or double or decimal:
                into[path] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;
                return;
            case IDictionary map:
                foreach (DictionaryEntry entry in map)
                    Walk($"{path}.{entry.Key}", entry.Value, into);
                return;
            case IList list:
                for (var i = 0; i < list.Count; i++)
                    Walk($"{path}[{i}]", list[i], into);
                return;
        }
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.GetIndexParameters().Length > 0) continue;
            Walk($"{path}.{SnakeCase(property.Name)}", property.GetValue(value), into);
        }
    }

    /// <summary>ApiToken → api_token, the naming of the YAML keys.</summary>
    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
