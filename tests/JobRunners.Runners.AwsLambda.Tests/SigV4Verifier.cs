using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>
/// An independent AWS Signature Version 4 check, written from the specification (canonical request, string to
/// sign, HMAC key chain) and not from the SDK: recomputes the signature of a captured request and compares it with
/// the one in its Authorization header. Checked against AWS's published "get-vanilla" test vector.
/// </summary>
internal static class SigV4Verifier
{
    /// <summary>A request as it arrived on the wire.</summary>
    /// <param name="Method">The HTTP method.</param>
    /// <param name="RawTarget">The path and query exactly as sent (still percent-encoded).</param>
    /// <param name="Headers">Header values by lower-case name.</param>
    /// <param name="Body">The body bytes.</param>
    public sealed record Captured(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body);

    /// <summary>The parts of an Authorization header.</summary>
    public sealed record Authorization(string AccessKey, string Date, string Region, string Service, string[] SignedHeaders, string Signature);

    public static Authorization ParseAuthorization(string header)
    {
        const string Prefix = "AWS4-HMAC-SHA256 ";
        if (!header.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"Not a SigV4 authorization header: {header}");
        }

        var fields = header[Prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var scope = fields["Credential"].Split('/');
        return new Authorization(scope[0], scope[1], scope[2], scope[3], fields["SignedHeaders"].Split(';'), fields["Signature"]);
    }

    /// <summary>The signature the request should carry, with the canonical request it was computed from.</summary>
    public static (string Signature, string CanonicalRequest) Compute(Captured request, Authorization authorization, string secretKey)
    {
        var amzDate = request.Headers["x-amz-date"];
        var queryStart = request.RawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? request.RawTarget : request.RawTarget[..queryStart];
        var query = queryStart < 0 ? "" : request.RawTarget[(queryStart + 1)..];

        // Every service but S3 encodes each path segment again, on top of the encoding it had on the wire.
        var canonicalUri = path.Length == 0 ? "/" : string.Join('/', path.Split('/').Select(Encode));
        var canonicalQuery = string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => (Name: Encode(Uri.UnescapeDataString(kv[0])), Value: Encode(Uri.UnescapeDataString(kv.Length > 1 ? kv[1] : ""))))
            .OrderBy(kv => kv.Name, StringComparer.Ordinal).ThenBy(kv => kv.Value, StringComparer.Ordinal)
            .Select(kv => $"{kv.Name}={kv.Value}"));
        var canonicalHeaders = string.Concat(authorization.SignedHeaders.Select(name => $"{name}:{Collapse(request.Headers[name])}\n"));
        var payloadHash = request.Headers.TryGetValue("x-amz-content-sha256", out var declared) ? declared : Hex(SHA256.HashData(request.Body));
        var canonicalRequest = string.Join('\n', request.Method, canonicalUri, canonicalQuery, canonicalHeaders, string.Join(';', authorization.SignedHeaders), payloadHash);

        var scope = $"{authorization.Date}/{authorization.Region}/{authorization.Service}/aws4_request";
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), authorization.Date);
        key = Hmac(key, authorization.Region);
        key = Hmac(key, authorization.Service);
        key = Hmac(key, "aws4_request");
        return (Hex(Hmac(key, stringToSign)), canonicalRequest);
    }

    /// <summary>RFC 3986 encoding as SigV4 defines it: unreserved characters stay, everything else is %XX upper-case.</summary>
    private static string Encode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string Collapse(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
