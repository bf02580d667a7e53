# ActorMta node image: publish with the SDK, run on the ASP.NET runtime as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ActorMta.sln ./
COPY src/ src/
COPY hocon/ hocon/
RUN dotnet publish src/ActorMta.Host/ActorMta.Host.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The image's unprivileged "app" user (UID 1654) owns the data directory; nothing runs as root.
RUN mkdir -p /var/lib/actormta && chown app:app /var/lib/actormta
# The operator CLI inside the container: `docker exec NODE actormta domains` (actormta --help).
RUN printf '#!/bin/sh\nexec dotnet /app/ActorMta.Host.dll "$@"\n' > /usr/local/bin/actormta && chmod 755 /usr/local/bin/actormta
USER app
# In a container every listener binds all interfaces (the defaults are loopback). Relay stays
# closed to the world: only trusted-networks (loopback by default) and authenticated clients may
# relay, so set ACTORMTA_TRUSTED_NETWORKS to the internal systems' networks, e.g. "10.0.0.0/8".
# Management on all interfaces needs bearer tokens (the node exits 2 without): mount a tokens file
# (ops/management-tokens.sh) and set ACTORMTA_MANAGEMENT_TOKENS_FILE, or ACTORMTA_MANAGEMENT_*_TOKENS.
ENV ACTORMTA_DATA_DIR=/var/lib/actormta \
    ACTORMTA_SMTP_RELAY_HOST=0.0.0.0 \
    ACTORMTA_SMTP_SUBMISSION_HOST=0.0.0.0 \
    ACTORMTA_SMTP_SMTPS_HOST=0.0.0.0 \
    ACTORMTA_MANAGEMENT_HOST=0.0.0.0 \
    ACTORMTA_CLUSTER_HOST=0.0.0.0 \
    ACTORMTA_LOG_FORMAT=json
VOLUME /var/lib/actormta
# SMTP relay, submission, smtps (unprivileged defaults), management, cluster transport.
EXPOSE 2525 5870 4650 8558 4053
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=3 \
    CMD ["dotnet", "/app/ActorMta.Host.dll", "--probe", "http://127.0.0.1:8558/health/ready"]
ENTRYPOINT ["dotnet", "/app/ActorMta.Host.dll"]
