using System.Text.Json.Nodes;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble.Strategies.Stacking;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static EnsembleGrpc.Router.Tests.Deploy.RenderedManifests;

namespace EnsembleGrpc.Router.Tests.Deploy;

/// <summary>
/// What <c>kubectl kustomize deploy/k8s</c> renders (offline) is a deployment that works: workers with probes and limits
/// that serve the models the routing config names, Services that select their pods, a routing config the router's own
/// validator and builder accept, and the PodDisruptionBudget and autoscaler on the router.
/// </summary>
public sealed class KustomizeRenderTests
{
    private const string Namespace = "ensemblegrpc";
    private const string WorkerImage = "ensemblegrpc/worker";
    private const string RouterImage = "ensemblegrpc/router";

    private static RenderedManifests M => Instance;

    [KubectlFact]
    public void Every_object_lands_in_the_namespace_and_every_deployment_runs_as_non_root_with_requests_and_limits()
    {
        Assert.Single(M.OfKind("Namespace"), n => Name(n) == Namespace);
        Assert.All(M.Objects.Where(o => (string?)o["kind"] != "Namespace"), o => Assert.Equal(Namespace, RenderedManifests.Namespace(o)));
        var deployments = M.OfKind("Deployment").ToList();
        Assert.Equal(4, deployments.Count);
        foreach (var deployment in deployments)
        {
            Assert.Equal("true", (string?)deployment["spec"]!["template"]!["spec"]!["securityContext"]!["runAsNonRoot"]);
            foreach (var container in Containers(deployment))
            {
                foreach (string part in new[] { "requests", "limits" })
                {
                    var resources = container["resources"]?[part];
                    Assert.True(resources?["cpu"] is not null && resources["memory"] is not null, $"{Name(deployment)}/{container["name"]}: resources.{part} needs cpu and memory");
                }
            }
        }
    }

    [KubectlFact]
    public void Each_worker_serves_one_repository_model_with_grpc_health_probes_and_a_headless_service_selecting_its_pods()
    {
        var workers = WorkerDeployments().ToList();
        Assert.Equal(3, workers.Count);
        foreach (var (deployment, container, args) in workers)
        {
            string model = Assert.IsType<string>(Arg(args, "--models"));
            Assert.DoesNotContain(',', model);
            Assert.True(File.Exists(Path.Combine(RepoPaths.Models, model, "config.json")), $"{Name(deployment)} serves '{model}', which is not in models/");
            Assert.Empty(WorkerCommandLine.Parse(args).Errors);
            string port = Assert.IsType<string>(Arg(args, "--port"));
            Assert.Contains(container["ports"]!.AsArray(), p => (string?)p!["containerPort"] == port && (string?)p["name"] == "grpc");

            foreach (string probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            {
                var grpc = container[probe]?["grpc"];
                Assert.True(grpc is not null, $"{Name(deployment)}: {probe} must be a gRPC health probe");
                Assert.Equal(port, (string?)grpc["port"]);
            }

            // The service name the worker's grpc.health.v1 reports besides "".
            Assert.Equal(WorkerHealthExtensions.InferenceServiceName, (string?)container["readinessProbe"]!["grpc"]!["service"]);

            var service = ServiceSelecting(deployment);
            Assert.Equal("None", (string?)service["spec"]!["clusterIP"]);
            Assert.Contains(service["spec"]!["ports"]!.AsArray(), p => (string?)p!["port"] == port && (string?)p["targetPort"] == "grpc");
        }
    }

    [KubectlFact]
    public void Every_service_selects_the_pods_of_exactly_one_deployment_on_a_port_they_expose()
    {
        foreach (var service in M.OfKind("Service"))
        {
            var selector = service["spec"]!["selector"]!.AsObject();
            var deployment = Assert.Single(M.OfKind("Deployment"), d => Selects(selector, PodLabels(d)));
            var containerPorts = Containers(deployment).SelectMany(c => c["ports"]!.AsArray()).Select(p => (string?)p!["name"]).ToHashSet();
            Assert.All(service["spec"]!["ports"]!.AsArray(), p => Assert.Contains((string?)p!["targetPort"], containerPorts));
        }

        foreach (var deployment in M.OfKind("Deployment"))
        {
            Assert.True(Selects(deployment["spec"]!["selector"]!["matchLabels"]!.AsObject(), PodLabels(deployment)), $"{Name(deployment)}: its selector must match its pod labels");
        }
    }

    [KubectlFact]
    public void The_routing_configmap_is_accepted_by_the_router_and_names_the_worker_services_through_dns()
    {
        var (router, container, args) = RouterDeployment();
        Assert.Empty(RouterCommandLine.Parse(args).Errors);
        string config = Assert.IsType<string>(Arg(args, "--config"));
        Assert.NotEqual("false", Arg(args, "--watch"));

        // Mounted as a folder (no subPath, which would never see an update) from the rendered ConfigMap.
        var mount = Assert.Single(container["volumeMounts"]!.AsArray(), m => (string?)m!["mountPath"] == Path.GetDirectoryName(config))!;
        Assert.Null(mount["subPath"]);
        var volume = Assert.Single(router["spec"]!["template"]!["spec"]!["volumes"]!.AsArray(), v => (string?)v!["name"] == (string?)mount["name"])!;
        var configMap = M.Single("ConfigMap", (string)volume["configMap"]!["name"]!);
        string text = Assert.IsType<string>((string?)configMap["data"]![Path.GetFileName(config)]);

        var parsed = RoutingConfigJson.TryParse(text, out string? parseError);
        Assert.True(parsed is not null, parseError);
        using var files = new TestFiles();
        string path = files.Write("routing.json", text.Replace($"\"{parsed.ModelRepository}\"", $"\"{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}\"", StringComparison.Ordinal));
        using var loader = new OnnxMetaModelLoader();
        var model = new RoutingConfigProvider(path, TestBuilders.ModelBuilder(loader), TimeProvider.System, NullLogger<RoutingConfigProvider>.Instance).Current;

        var served = WorkerDeployments().ToDictionary(w => Arg(w.Args, "--models")!, w => w);
        foreach (var member in model.Ensembles.Values.SelectMany(e => e.Members))
        {
            var endpoint = Assert.Single(member.Endpoints);
            Assert.True(served.TryGetValue(member.Model, out var worker), $"member {member.Name}: no worker Deployment serves '{member.Model}'");
            var service = ServiceSelecting(worker.Deployment);
            Assert.Equal($"dns:///{Name(service)}.{Namespace}.svc.cluster.local:{Arg(worker.Args, "--port")}", endpoint);
        }

        Assert.Equal(3, model.Ensembles["mnist"].Members.Count);
    }

    [KubectlFact]
    public void The_disruption_budget_and_the_cpu_autoscaler_target_the_router()
    {
        var (router, container, _) = RouterDeployment();
        Assert.True(container["readinessProbe"]?["grpc"] is not null, "the router's readiness must be its gRPC health");
        Assert.Equal(RouterHealthExtensions.InferenceServiceName, (string?)container["readinessProbe"]!["grpc"]!["service"]);
        Assert.NotNull(container["livenessProbe"]);

        var pdb = Assert.Single(M.OfKind("PodDisruptionBudget"));
        Assert.True(Selects(pdb["spec"]!["selector"]!["matchLabels"]!.AsObject(), PodLabels(router)));
        Assert.DoesNotContain(WorkerDeployments(), w => Selects(pdb["spec"]!["selector"]!["matchLabels"]!.AsObject(), PodLabels(w.Deployment)));

        var hpa = Assert.Single(M.OfKind("HorizontalPodAutoscaler"));
        Assert.Equal("Deployment", (string?)hpa["spec"]!["scaleTargetRef"]!["kind"]);
        Assert.Equal(Name(router), (string?)hpa["spec"]!["scaleTargetRef"]!["name"]);
        Assert.Contains(hpa["spec"]!["metrics"]!.AsArray(), m => (string?)m!["resource"]?["name"] == "cpu");
        // Utilization is a share of the request: without a CPU request the autoscaler cannot compute it.
        Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
        Assert.True(int.Parse((string)hpa["spec"]!["minReplicas"]!, System.Globalization.CultureInfo.InvariantCulture) >= 2, "one router would leave the budget nothing to keep");
    }

    private static IEnumerable<(JsonObject Deployment, JsonObject Container, IReadOnlyList<string> Args)> WorkerDeployments() =>
        from d in M.OfKind("Deployment")
        from c in Containers(d)
        where ((string)c["image"]!).Contains(WorkerImage, StringComparison.Ordinal)
        select (d, c, Args(c));

    private static (JsonObject Deployment, JsonObject Container, IReadOnlyList<string> Args) RouterDeployment()
    {
        var router = Assert.Single(
            from d in M.OfKind("Deployment")
            from c in Containers(d)
            where ((string)c["image"]!).Contains(RouterImage, StringComparison.Ordinal)
            select (d, c));
        return (router.d, router.c, Args(router.c));
    }

    private static JsonObject ServiceSelecting(JsonObject deployment) =>
        Assert.Single(M.OfKind("Service"), s => Selects(s["spec"]!["selector"]!.AsObject(), PodLabels(deployment)));
}
