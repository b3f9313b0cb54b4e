using System.Buffers.Binary;
using System.Text;
using ICSharpCode.SharpZipLib.Checksum;
using ICSharpCode.SharpZipLib.Zip.Compression;
using ICSharpCode.SharpZipLib.Zip.Compression.Streams;

namespace EksIpvs.Core.Nodes;

/// <summary>
/// The project's node setup as AL2023 user data carries it: one short shell part that base64-decodes and gunzips
/// <c>node-setup.sh</c> into <see cref="NodeBootstrap.InstallDirectory"/> and runs it. Gzip takes the scripts to
/// about a third, so the project's share of the group's 14,000 bytes drops from ~11.6 KB to under 6 KB and
/// extraUserData keeps at least 8 KB.
/// <para>
/// Why a self-unpacking shell part and not cloud-init's own gzip handling: cloud-init (22.2.2, what AL2023 ships:
/// cloud-init-22.2.2-1.amzn2023.1.15 in the 2023.8.20250818 release notes; read at tag 22.2.2,
/// canonical/cloud-init cloudinit/user_data.py lines 41-50 and 107-110) does gunzip a MIME part typed
/// application/x-gzip (base64-encoded via util.fully_decoded_payload, cloudinit/util.py line 146), and the whole
/// user data when it is gzip (convert_string, user_data.py line 383). But the whole document cannot be gzip: EKS
/// merges its NodeConfig part into our MIME text and nodeadm reads that part itself; and a gzip part would make
/// what runs depend on cloud-init's decompression path, while a text/x-shellscript part runs the same under any
/// runner (tests/node runs it without cloud-init) and leaves the decoded script on the node to read.
/// </para>
/// <para>
/// The gzip stream is built here around SharpZipLib's managed deflate, with mtime 0, no file name and level 9:
/// System.IO.Compression's bytes depend on the native zlib it was built with, so goldens would differ by machine.
/// </para>
/// </summary>
public static class NodePayload
{
    public const string SetupScript = "node-setup.sh";
    public const string Delimiter = "EKS_IPVS_PAYLOAD";
    private const int LineLength = 76;

    /// <summary>The installer part: decodes <paramref name="setupScript"/>, installs it (0755, replaced atomically,
    /// identical on every boot) and runs it in its place.</summary>
    public static UserDataPart Installer(string purpose, string setupScript)
    {
        var path = $"{NodeBootstrap.InstallDirectory}/{SetupScript}";
        var text = new StringBuilder()
            .Append("#!/usr/bin/env bash\n")
            .Append($"# eks-ipvs: {purpose}\n")
            .Append($"# gzip+base64 of {path}; `render` writes it decoded to nodegroups/<group>.userdata.d/{SetupScript}.\n")
            .Append("set -euo pipefail\n")
            .Append($"install -d -m 0755 {NodeBootstrap.InstallDirectory}\n")
            .Append($"base64 -d <<'{Delimiter}' | gzip -dc >{path}.new\n");
        var encoded = Convert.ToBase64String(Gzip(Encoding.UTF8.GetBytes(setupScript)));
        for (var i = 0; i < encoded.Length; i += LineLength)
        {
            text.Append(encoded.AsSpan(i, Math.Min(LineLength, encoded.Length - i))).Append('\n');
        }
        text.Append($"{Delimiter}\n")
            .Append($"chmod 0755 {path}.new\n")
            .Append($"mv -f {path}.new {path}\n")
            .Append($"echo \"eks-ipvs: installer: running {path}\" >&2\n")
            .Append($"logger -t eks-ipvs -- \"installer: running {path}\" 2>/dev/null || true\n")
            .Append($"exec {path}\n");
        return new UserDataPart("text/x-shellscript", text.ToString());
    }

    /// <summary>The setup script an installer part carries, decoded (what the node runs); null if the part is not
    /// an installer.</summary>
    public static string? Decode(string installerPart)
    {
        var start = installerPart.IndexOf($"<<'{Delimiter}'", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }
        var body = installerPart[(installerPart.IndexOf('\n', start) + 1)..];
        body = body[..body.IndexOf($"\n{Delimiter}\n", StringComparison.Ordinal)];
        using var input = new System.IO.Compression.GZipStream(new MemoryStream(Convert.FromBase64String(body.Replace("\n", ""))), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(input, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>RFC 1952 gzip of <paramref name="data"/>: fixed header (no mtime, no name), raw deflate, CRC-32, size.</summary>
    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        // ID1 ID2, CM=deflate, FLG=0, MTIME=0 (4 bytes), XFL=2 (maximum compression), OS=3 (Unix).
        output.Write([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
        using (var deflate = new DeflaterOutputStream(output, new Deflater(Deflater.BEST_COMPRESSION, noZlibHeaderOrFooter: true)) { IsStreamOwner = false })
        {
            deflate.Write(data);
        }
        var crc = new Crc32();
        crc.Update(data);
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, (uint)crc.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)data.Length);
        output.Write(trailer);
        return output.ToArray();
    }
}
