using System.ComponentModel.DataAnnotations;

namespace EnsembleGrpc.Router.Frontend.Page;

/// <summary>
/// The digit page and the dashboard (configuration section <c>Router:Page</c>), served on the REST port
/// (<c>--http-port</c>) beside the protocol's <c>/v2</c> paths; nothing of it is served without that port.
/// Validated at start-up (<see cref="PageOptionsValidator"/>).
/// </summary>
public sealed class PageOptions
{
    public const string Section = "Router:Page";

    /// <summary>Whether the REST port also serves <c>/page/</c> and its <c>/page/api/</c> endpoints. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The folder holding the page's static files (index.html, dashboard.html, their CSS and JS). Default empty: the
    /// <c>page</c> folder the build copies beside the router's assembly (from src/Router/Frontend/Page/wwwroot). A
    /// folder given here must exist and hold index.html.
    /// </summary>
    public string Root { get; set; } = "";

    /// <summary>How often the dashboard polls the statistics, in milliseconds. Default 1000.</summary>
    [Range(200, 60_000)]
    public int PollIntervalMs { get; set; } = 1000;

    /// <summary>The folder the files are read from: <see cref="Root"/>, or the default beside the assembly.</summary>
    public string ResolvedRoot => string.IsNullOrEmpty(Root) ? Path.Combine(AppContext.BaseDirectory, "page") : Path.GetFullPath(Root);
}
