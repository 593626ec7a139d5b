using System.Security.Cryptography;

namespace EnsembleGrpc.Hosting.Tls;

/// <summary>
/// Start-up checks of configured certificate files for the options validators: each file is actually loaded, so a
/// wrong path, a key that does not match or a wrong password is reported at start with the option's name.
/// </summary>
public static class TlsFileChecks
{
    /// <summary>Checks a certificate + key pair (both empty: TLS off). A key without a certificate is an error.</summary>
    public static void CheckPair(List<string> errors, string certificateOption, string? certificateFile, string keyOption, string? keyFile, string? password)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(certificateFile))
        {
            if (!string.IsNullOrEmpty(keyFile))
            {
                errors.Add($"{keyOption}: a key needs a certificate ({certificateOption})");
            }

            return;
        }

        if (Missing(errors, certificateOption, certificateFile) | Missing(errors, keyOption, keyFile))
        {
            return;
        }

        try
        {
            using var certificate = TlsCertificates.LoadCertificate(certificateFile, keyFile, password);
            if (!certificate.HasPrivateKey)
            {
                errors.Add($"{certificateOption}: '{certificateFile}' has no private key (give {keyOption}, or a PKCS#12 file with the key)");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            errors.Add($"{certificateOption}: cannot load '{certificateFile}'{(string.IsNullOrEmpty(keyFile) ? " as PKCS#12" : $" with key '{keyFile}'")}: {ex.Message}");
        }
    }

    /// <summary>Checks a PEM bundle of authorities (empty: not configured).</summary>
    public static void CheckAuthorities(List<string> errors, string option, string? pemFile)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(pemFile) || Missing(errors, option, pemFile))
        {
            return;
        }

        try
        {
            foreach (var authority in TlsCertificates.LoadAuthorities(pemFile))
            {
                authority.Dispose();
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"{option}: cannot load '{pemFile}' as PEM certificates: {ex.Message}");
        }
    }

    private static bool Missing(List<string> errors, string option, string? file)
    {
        if (string.IsNullOrEmpty(file) || File.Exists(file))
        {
            return false;
        }

        errors.Add($"{option}: file '{file}' does not exist");
        return true;
    }
}
