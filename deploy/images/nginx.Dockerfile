# nginx for deploy/compose.yaml's `replicas` profile where nginx:stable cannot be pulled:
# Debian bookworm's own `nginx` package on the debootstrap base (deploy/base-image.sh), laid
# out like the official image: the site comes from /etc/nginx/conf.d/*.conf, logs go to the
# container's stdout and stderr, the master stays in the foreground.
#
#   docker build --network host -f deploy/images/nginx.Dockerfile \
#       --build-arg BASE_IMAGE=paramd-base:bookworm -t paramd-nginx:local deploy/images
ARG BASE_IMAGE=debian:bookworm-slim
# hadolint ignore=DL3006
FROM ${BASE_IMAGE}
# hadolint ignore=DL3008
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
    && ln -sf /dev/stdout /var/log/nginx/access.log \
    && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 8080
# SIGQUIT is nginx's graceful shutdown: requests in flight finish.
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
