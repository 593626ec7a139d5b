using System.Collections.Frozen;
using System.Security.Cryptography;
using EnsembleGrpc.Hosting.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Frontend.Page;

/// <summary>
/// The page's static files (<see cref="PageOptions.ResolvedRoot"/>), read once at start-up into memory: a handful of
/// small files, so no file system access per request, and only names that were there at start are served (no path
/// from a request ever reaches the file system). Answers carry an entity tag and are revalidated (no-cache), so a new
/// release is seen at once; a Content-Security-Policy keeps the pages to their own scripts.
/// </summary>
public sealed partial class PageAssets
{
    public const string Index = "index.html";

    /// <summary>The page's address. Relative links in the pages resolve against it, so <c>/page</c> redirects here.</summary>
    public const string Home = "/page/";

    private const string Policy = "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, PageAsset> _assets;

    public PageAssets(IOptions<PageOptions> options, ILogger<PageAssets> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        string root = options.Value.ResolvedRoot;
        _assets = Load(root);
        if (!_assets.ContainsKey(Index))
        {
            Log.Missing(logger, root);
        }
    }

    /// <summary>The files served, by name.</summary>
    public IReadOnlyCollection<string> Names => _assets.Keys;

    /// <summary><c>GET /page/{file}</c> (and <c>/page/</c> for index.html): the file, 304 when unchanged, 404 for any other name.</summary>
    public Task ServeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.RouteValues.ContainsKey("file") && !context.Request.Path.Value!.EndsWith('/'))
        {
            context.Response.Redirect(Home);
            return Task.CompletedTask;
        }

        string name = context.Request.RouteValues["file"] as string is { Length: > 0 } file ? file : Index;
        if (!_assets.TryGetValue(name, out var asset))
        {
            return RestHttp.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound,
                _assets.ContainsKey(Index) ? $"no page file '{name}'." : "the page's files are not installed beside the router (see the router's log).");
        }

        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = Policy;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        return RestHttp.WriteBodyAsync(context.Response, StatusCodes.Status200OK, asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, PageAsset> Load(string root)
    {
        var assets = new Dictionary<string, PageAsset>(StringComparer.Ordinal);
        if (!Directory.Exists(root))
        {
            return assets.ToFrozenDictionary(StringComparer.Ordinal);
        }

        foreach (string path in Directory.EnumerateFiles(root))
        {
            if (ContentTypes.TryGetValue(Path.GetExtension(path), out string? type))
            {
                byte[] content = File.ReadAllBytes(path);
                string name = Path.GetFileName(path);
                string tag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 8)) + "\"";
                assets[name] = new PageAsset(name, content, type, tag);
            }
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 640, EventName = "PageFilesMissing", Level = LogLevel.Warning, Message = "The page's files are not in {Root} (no index.html): /page/ answers 404. Build the router, or set Router:Page:Root.")]
        public static partial void Missing(ILogger logger, string root);
    }
}
