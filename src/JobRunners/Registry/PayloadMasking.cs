using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace JobRunners.Extensibility;

/// <summary>
/// Hides secrets in a payload before it is shown (CLI output, logs, pages): members marked
/// <see cref="SensitiveAttribute"/> on the payload type, and, for any payload, members whose names say they hold a
/// secret (<c>password</c>, <c>pwd</c>, <c>*secret</c>, <c>*token</c>, <c>apiKey</c>, <c>privateKey</c>,
/// <c>connectionString</c>, <c>credentials</c>, <c>authorization</c>, ...). Their values become <c>***</c>.
/// </summary>
public static class PayloadMasking
{
    /// <summary>What a hidden value is shown as.</summary>
    public const string Mask = "***";

    private const int MaxDepth = 8;

    private static readonly string[] SecretSuffixes = ["password", "passwd", "secret", "token", "apikey", "privatekey", "connectionstring", "credentials", "accountkey", "sharedaccesssignature"];

    private static readonly HashSet<string> SecretNames = new(StringComparer.Ordinal) { "pwd", "psw", "authorization", "cookie", "accesskey", "secretkey", "sas" };

    private static readonly ConcurrentDictionary<Type, Node> Nodes = new();

    /// <summary>Returns <paramref name="json"/> with its secret members' values replaced by <see cref="Mask"/>; text that is not JSON is returned as is.</summary>
    /// <param name="json">The payload as stored.</param>
    /// <param name="payloadType">The payload's type when known, for its <see cref="SensitiveAttribute"/> members.</param>
    public static string MaskJson(string json, Type? payloadType = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return json;
        }

        var node = payloadType is null ? null : Nodes.GetOrAdd(payloadType, static type => Build(type, 0));
        return Walk(root, node) ? root!.ToJsonString() : json;
    }

    /// <summary>True when a member of this name is taken to hold a secret whatever its type says.</summary>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var normalized = new string(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        return SecretNames.Contains(normalized) || SecretSuffixes.Any(s => normalized.EndsWith(s, StringComparison.Ordinal));
    }

    private static bool Walk(JsonNode? value, Node? node)
    {
        var changed = false;
        switch (value)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (obj[name] is not null && (IsSecretName(name) || node?.Secret.Contains(name) == true))
                    {
                        obj[name] = Mask;
                        changed = true;
                    }
                    else
                    {
                        changed |= Walk(obj[name], node?.Children.GetValueOrDefault(name));
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    changed |= Walk(item, node);
                }

                break;
        }

        return changed;
    }

    private static Node Build(Type type, int depth)
    {
        var node = new Node();
        if (depth > MaxDepth || !IsObject(type))
        {
            return node;
        }

        var parameters = type.GetConstructors().SelectMany(c => c.GetParameters())
            .Where(p => p.IsDefined(typeof(SensitiveAttribute), inherit: true))
            .Select(p => p.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var members = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (Member: (MemberInfo)p, Type: p.PropertyType))
            .Concat(type.GetFields(BindingFlags.Public | BindingFlags.Instance).Select(f => (Member: (MemberInfo)f, Type: f.FieldType)));
        foreach (var (member, memberType) in members)
        {
            var name = member.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? member.Name;
            if (member.IsDefined(typeof(SensitiveAttribute), inherit: true) || parameters.Contains(member.Name))
            {
                node.Secret.Add(name);
            }
            else if (IsObject(ElementType(memberType)) && ElementType(memberType) != type)
            {
                var child = Build(ElementType(memberType), depth + 1);
                if (child.Secret.Count > 0 || child.Children.Count > 0)
                {
                    node.Children[name] = child;
                }
            }
        }

        return node;
    }

    private static Type ElementType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsArray)
        {
            return type.GetElementType()!;
        }

        var enumerable = type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type)
            ? type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            : null;
        return enumerable?.GetGenericArguments()[0] ?? type;
    }

    private static bool IsObject(Type type) =>
        !type.IsPrimitive && !type.IsEnum && type != typeof(string) && type != typeof(decimal) && type != typeof(object)
        && type.Namespace?.StartsWith("System", StringComparison.Ordinal) != true;

    private sealed class Node
    {
        public HashSet<string> Secret { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);
    }
}
