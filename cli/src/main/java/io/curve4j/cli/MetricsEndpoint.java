package io.curve4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;

/**
 * The meters of a long-running command (the NBD server) in Prometheus text format over
 * HTTP, for the same scrape configuration as the services: every path but
 * {@code /-/healthy} answers with the metrics, {@code /actuator/prometheus} included.
 */
final class MetricsEndpoint implements AutoCloseable {

	private final PrometheusMeterRegistry registry;

	private final HTTPServer server;

	private MetricsEndpoint(PrometheusMeterRegistry registry, HTTPServer server) {
		this.registry = registry;
		this.server = server;
	}

	static MetricsEndpoint start(String bind, int port) {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		new JvmMemoryMetrics().bindTo(registry);
		new JvmGcMetrics().bindTo(registry);
		new JvmThreadMetrics().bindTo(registry);
		new ProcessorMetrics().bindTo(registry);
		try {
			HTTPServer server = HTTPServer.builder()
				.hostname(bind)
				.port(port)
				.registry(registry.getPrometheusRegistry())
				.defaultHandler(new MetricsHandler(registry.getPrometheusRegistry()))
				.buildAndStart();
			return new MetricsEndpoint(registry, server);
		}
		catch (IOException ex) {
			registry.close();
			throw new UncheckedIOException("cannot serve metrics on " + bind + ":" + port, ex);
		}
	}

	PrometheusMeterRegistry registry() {
		return this.registry;
	}

	int port() {
		return this.server.getPort();
	}

	@Override
	public void close() {
		this.server.close();
		this.registry.close();
	}

}
