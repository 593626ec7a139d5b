# syntax=docker/dockerfile:1
# The per-model worker (src/InferenceServer) with the model repository (models/) inside the image.
# Build from the repository root (deploy/README.md):
#   docker build -f deploy/docker/worker.Dockerfile --build-arg REGISTRY=<registry>/ -t ensemblegrpc/worker:0.1.0 .
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
COPY src/InferenceServer/ src/InferenceServer/
RUN dotnet publish src/InferenceServer/EnsembleGrpc.InferenceServer.csproj -c Release -r linux-x64 --self-contained false \
        -p:UseAppHost=false -o /app

FROM ${REGISTRY}dotnet/aspnet:${DOTNET_VERSION} AS final
WORKDIR /app
COPY --from=build /app ./
COPY models/ /app/models/
# The images' built-in unprivileged user ($APP_UID, 1654); the Kubernetes manifests run as that uid too.
USER $APP_UID
ENV ENSEMBLEGRPC_Worker__Repository=/app/models \
    ENSEMBLEGRPC_Worker__Host=0.0.0.0 \
    ENSEMBLEGRPC_Worker__Port=8001 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8001
# Health: grpc.health.v1 on the gRPC port (Kubernetes probes it natively; see deploy/k8s). The image has no gRPC
# health client, so there is no Docker HEALTHCHECK.
ENTRYPOINT ["dotnet", "EnsembleGrpc.InferenceServer.dll"]
CMD ["--models", "mnist_cnn_1"]
