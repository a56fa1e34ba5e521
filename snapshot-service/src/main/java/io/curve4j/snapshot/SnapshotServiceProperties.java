package io.curve4j.snapshot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import io.curve4j.objectstore.ObjectStoreSettings;

/**
 * The snapshot service's settings ({@code curve.snapshot.*}): where the MDS and the
 * object store are, and how hard it works.
 */
@ConfigurationProperties("curve.snapshot")
@Validated
public class SnapshotServiceProperties {

	/**
	 * gRPC addresses ("host:port") of every MDS member; any may lead. Unused when
	 * curve.discovery.mds-service finds them in Kubernetes.
	 */
	private List<String> mdsAddresses = new ArrayList<>();

	/** The file whose first line is root's password (the task service is root only). */
	@NotNull
	private Path rootPasswordFile;

	/** This worker's name at the MDS's lease; a random one per start by default. */
	@NotBlank
	private String workerId = "snapshot-" + UUID.randomUUID();

	/** How many volumes' tasks run at once (one task per volume at a time). */
	@Min(1)
	@Max(64)
	private int parallelism = 4;

	/** How often the task list is fetched. */
	@NotNull
	private Duration pollInterval = Duration.ofSeconds(1);

	/** Longest time between two progress reports of a copy or a flatten. */
	@NotNull
	private Duration progressInterval = Duration.ofSeconds(1);

	/** First wait after a transient failure of a task; it doubles up to {@link #maxBackoff}. */
	@NotNull
	private Duration initialBackoff = Duration.ofMillis(500);

	@NotNull
	private Duration maxBackoff = Duration.ofSeconds(10);

	@Valid
	private final ObjectStoreSettings s3 = new ObjectStoreSettings();

	public List<String> getMdsAddresses() {
		return this.mdsAddresses;
	}

	public void setMdsAddresses(List<String> mdsAddresses) {
		this.mdsAddresses = mdsAddresses;
	}

	public Path getRootPasswordFile() {
		return this.rootPasswordFile;
	}

	public void setRootPasswordFile(Path rootPasswordFile) {
		this.rootPasswordFile = rootPasswordFile;
	}

	public String getWorkerId() {
		return this.workerId;
	}

	public void setWorkerId(String workerId) {
		this.workerId = workerId;
	}

	public int getParallelism() {
		return this.parallelism;
	}

	public void setParallelism(int parallelism) {
		this.parallelism = parallelism;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public Duration getProgressInterval() {
		return this.progressInterval;
	}

	public void setProgressInterval(Duration progressInterval) {
		this.progressInterval = progressInterval;
	}

	public Duration getInitialBackoff() {
		return this.initialBackoff;
	}

	public void setInitialBackoff(Duration initialBackoff) {
		this.initialBackoff = initialBackoff;
	}

	public Duration getMaxBackoff() {
		return this.maxBackoff;
	}

	public void setMaxBackoff(Duration maxBackoff) {
		this.maxBackoff = maxBackoff;
	}

	public ObjectStoreSettings getS3() {
		return this.s3;
	}

}
