package io.ironsync.edge.impl;

import io.ironsync.auth.TokenVerifier;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Checks the bearer token of every API request. Unlike vertx-web's own authentication handler it
 * leaves the request paused, so the upload handler still owns every body byte.
 */
public final class Authentication implements Handler<RoutingContext> {

  private final TokenVerifier tokens;

  public Authentication(TokenVerifier tokens) {
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    tokens
        .verify(
            ctx.request().getHeader(HttpHeaders.AUTHORIZATION),
            ctx.request().getHeader("X-Device-Id"))
        .onSuccess(
            caller -> {
              RequestContext.setCaller(ctx, caller);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }
}
