package io.curve4j.mds.schedule;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the scheduler ({@code curve.mds.schedule.*}).
 */
@ConfigurationProperties("curve.mds.schedule")
@Validated
public class ScheduleProperties {

	/**
	 * Time between planning rounds of the leader MDS.
	 */
	@NotNull
	private Duration interval = Duration.ofSeconds(1);

	/**
	 * Operators a chunkserver takes part in at once (as the peer added, removed or made
	 * leader); bounds the recovery and balance traffic one disk sees.
	 */
	@Min(1)
	private int maxOperatorsPerChunkServer = 4;

	/**
	 * An operator not finished after this long is dropped; the scheduler plans the
	 * copyset again in a later round. Covers copying a whole replica by snapshot.
	 */
	@NotNull
	private Duration operatorTimeout = Duration.ofMinutes(3);

	/**
	 * A chunkserver with less free disk than this takes no new replicas: recovery and
	 * balance choose another, since a replica that runs out of space halts. An absolute
	 * amount, not a share: a disk shared with other data may be mostly used and still
	 * have room.
	 */
	@NotNull
	private DataSize minFreeDisk = DataSize.ofGigabytes(1);

	/**
	 * Finished, failed and timed-out operators kept for the operators listing.
	 */
	@Min(0)
	private int history = 100;

	public DataSize getMinFreeDisk() {
		return this.minFreeDisk;
	}

	public void setMinFreeDisk(DataSize minFreeDisk) {
		this.minFreeDisk = minFreeDisk;
	}

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public int getMaxOperatorsPerChunkServer() {
		return this.maxOperatorsPerChunkServer;
	}

	public void setMaxOperatorsPerChunkServer(int maxOperatorsPerChunkServer) {
		this.maxOperatorsPerChunkServer = maxOperatorsPerChunkServer;
	}

	public Duration getOperatorTimeout() {
		return this.operatorTimeout;
	}

	public void setOperatorTimeout(Duration operatorTimeout) {
		this.operatorTimeout = operatorTimeout;
	}

	public int getHistory() {
		return this.history;
	}

	public void setHistory(int history) {
		this.history = history;
	}

}
