namespace EksIpvs.Core.Validation;

/// <summary>How a stack config value is written. Pulumi hands structured values to programs as JSON text.</summary>
public enum ConfigType
{
    String,
    Integer,
    Boolean,
    StringList,
    StringMap,
    NodeGroupList,
}

/// <summary>One key of the project's config namespace.</summary>
/// <param name="Default">The default as it would be written in config (JSON for lists and maps), or null when it is derived.</param>
public sealed record ConfigKey(string Name, ConfigType Type, string? Default, string Description)
{
    /// <summary>Pulumi.yaml can declare only string, integer, boolean and array-of-simple types; maps and
    /// lists of objects are read from the stack file all the same, and documented in the README. A key whose default
    /// is derived (null here) is not declared either: Pulumi treats a declared key without a default as required and
    /// refuses `pulumi up` for a stack file without it (pulumi/pulumi pkg/workspace/config.go,
    /// "Stack 'dev' is missing configuration value").</summary>
    public bool DeclaredInProjectFile => Type is not (ConfigType.StringMap or ConfigType.NodeGroupList) && Default is not null;

    /// <summary>The type name Pulumi.yaml uses for this key.</summary>
    public string ProjectFileType => Type switch
    {
        ConfigType.String => "string",
        ConfigType.Integer => "integer",
        ConfigType.Boolean => "boolean",
        ConfigType.StringList => "array",
        ConfigType.StringMap => "object",
        _ => "array of objects",
    };
}
