using System.Text.RegularExpressions;

namespace EksIpvs.Spec;

/// <summary>Kubernetes label and taint syntax (apimachinery's IsQualifiedName and IsValidLabelValue).</summary>
internal static partial class Labels
{
    public const string KeyRule =
        "[prefix/]name: name 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit; prefix a DNS subdomain of at most 253 characters";

    public const string ValueRule =
        "empty, or 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

    public static bool IsQualifiedName(string key)
    {
        var slash = key.LastIndexOf('/');
        if (slash < 0)
        {
            return NamePattern().IsMatch(key);
        }
        var prefix = key[..slash];
        return prefix.Length is > 0 and <= 253 && SubdomainPattern().IsMatch(prefix) && NamePattern().IsMatch(key[(slash + 1)..]);
    }

    public static bool IsValue(string value) => value.Length == 0 || NamePattern().IsMatch(value);

    [GeneratedRegex("^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex SubdomainPattern();
}
