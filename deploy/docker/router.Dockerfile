# syntax=docker/dockerfile:1
# The ensemble router (src/Router) with the model repository (members' metrics, the stacking meta-models) and the
# bundled routing file. Build from the repository root (deploy/README.md):
#   docker build -f deploy/docker/router.Dockerfile --build-arg REGISTRY=<registry>/ -t ensemblegrpc/router:0.1.0 .
# REGISTRY prefixes the .NET base images dotnet/sdk and dotnet/aspnet: the registry (and path) that serves them, or
# your mirror, ending in "/". Left empty, the names go to your container tool's default registry as they are.
ARG REGISTRY=
ARG DOTNET_VERSION=10.0

FROM ${REGISTRY}dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY protos/ protos/
COPY src/Protocol/ src/Protocol/
COPY src/Hosting/ src/Hosting/
COPY src/Router/ src/Router/
RUN dotnet publish src/Router/EnsembleGrpc.Router.csproj -c Release -r linux-x64 --self-contained false \
        -p:UseAppHost=false -o /app

FROM ${REGISTRY}dotnet/aspnet:${DOTNET_VERSION} AS final
WORKDIR /app
COPY --from=build /app ./
COPY models/ /app/models/
# The bundled routing file expects its workers on 127.0.0.1; in Kubernetes the ConfigMap's file replaces it.
COPY config/routing.json /app/config/routing.json
# The runtime traffic split and feedback counts (SQLite) need a writable place; Kubernetes mounts an emptyDir here.
RUN mkdir -p /var/lib/ensemblegrpc && chown "$APP_UID" /var/lib/ensemblegrpc
USER $APP_UID
ENV ENSEMBLEGRPC_Router__Config=/app/config/routing.json \
    ENSEMBLEGRPC_Router__State=/var/lib/ensemblegrpc/router-state.db \
    ENSEMBLEGRPC_Router__Host=0.0.0.0 \
    ENSEMBLEGRPC_Router__Port=8000 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8000
# Health: grpc.health.v1 on the gRPC port (Kubernetes probes it natively; see deploy/k8s). The image has no gRPC
# health client, so there is no Docker HEALTHCHECK.
ENTRYPOINT ["dotnet", "EnsembleGrpc.Router.dll"]
