package io.ironsync.observability;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * One dependency the node needs to serve traffic (PostgreSQL, the object store, ...): the probe
 * succeeds when the dependency answers.
 */
public record ReadinessCheck(String name, Supplier<Future<?>> probe) {}
