package io.curve4j.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeployedMetricsTest {

	@Test
	void promQlYieldsTheMetricsNotTheFunctionsLabelsOrKeywords() {
		assertThat(DeployedMetrics.namesIn(
				"sum by (instance, op) (rate(curve4j_chunk_bytes_total{op=\"read\", job=~\"chunk.*\"}[$__rate_interval]))"
						+ " / on (instance) group_left max(disk_total_bytes) > 1e9 or vector(0)"))
			.containsExactlyInAnyOrder("curve4j_chunk_bytes_total", "disk_total_bytes");
		assertThat(DeployedMetrics.namesIn("histogram_quantile(0.99, sum(rate(grpc_server_seconds_bucket[5m])) by (le))"))
			.containsExactly("grpc_server_seconds_bucket");
		assertThat(DeployedMetrics.namesIn("max(curve4j_mds_leader) < 1")).containsExactly("curve4j_mds_leader");
	}

	@Test
	void anExpositionYieldsItsSeriesNames() {
		String exposition = """
				# HELP curve4j_mds_leader 1 on the leader
				# TYPE curve4j_mds_leader gauge
				curve4j_mds_leader 1.0
				grpc_server_seconds_bucket{method="Write",le="0.001"} 3.0
				""";
		assertThat(DeployedMetrics.exposed(exposition)).containsExactlyInAnyOrder("curve4j_mds_leader",
				"grpc_server_seconds_bucket");
	}

}
