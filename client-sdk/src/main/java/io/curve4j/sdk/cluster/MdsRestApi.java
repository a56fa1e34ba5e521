package io.curve4j.sdk.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.http.converter.StringHttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.annotation.DeleteExchange;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.annotation.PutExchange;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.curve4j.common.auth.SigningKey;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.net.MdsLeaderHttp;

/**
 * The MDS REST API as the command line, the launcher and the SDK use it: the control
 * plane (cluster status, topology, users, schedulers, the recycle bin, volumes' QoS
 * limits, snapshots, clones). Paths, bodies and parameters are those of {@code openapi/mds.json}, written once
 * here instead of by hand at each caller.
 *
 * <p>
 * Get one with {@link #connect}: every call goes to the MDS leader, whichever member that
 * is ({@link MdsLeaderHttp}), signed as the given user, and an error answer throws a
 * {@link CurveException} with the MDS's error code. Documents that callers only print or
 * walk (status, topology, copysets) stay {@link JsonNode}s.
 */
@HttpExchange(url = "/api/v1", accept = { "application/json", "application/problem+json" })
public interface MdsRestApi {

	/** How long a call looks for a leader: an MDS election takes a few seconds. */
	Duration DEFAULT_RETRY_BUDGET = Duration.ofSeconds(15);

	/** MDS leader and members, chunkservers online, copysets, operators, recovery and problems. */
	@GetExchange("/cluster/status")
	JsonNode clusterStatus();

	/** Pools, zones, servers, chunkservers (with liveness) and logical pools. */
	@GetExchange("/topology")
	JsonNode topology();

	/** Applies a topology YAML file (idempotent, all or nothing) and answers the topology now. */
	@PostExchange(url = "/topology", contentType = "application/yaml")
	JsonNode applyTopology(@RequestBody String yaml);

	/** One page of copysets with their peers, reported leader, epoch and state. */
	@GetExchange("/copysets")
	JsonNode copysets(@RequestParam int page, @RequestParam int size);

	/** Root only. */
	@PostExchange("/users")
	User createUser(@RequestBody NewUser user);

	/** Root only; root itself is configured, not listed. */
	@GetExchange("/users")
	Page<User> users(@RequestParam int page, @RequestParam int size, @RequestParam String sort);

	/** Root only; the user's volumes stay, owned by the name. */
	@DeleteExchange("/users/{name}")
	void deleteUser(@PathVariable String name);

	/** @param name recovery, copyset-balance or leader-balance; operators in flight finish */
	@PostExchange("/schedulers/{name}/pause")
	Scheduler pauseScheduler(@PathVariable String name);

	/** @param name as for {@link #pauseScheduler} */
	@PostExchange("/schedulers/{name}/resume")
	Scheduler resumeScheduler(@PathVariable String name);

	/** One page of the deleted volumes the caller may see. */
	@GetExchange("/recycle-bin")
	Page<Recycled> recycleBin(@RequestParam int page, @RequestParam int size, @RequestParam String sort);

	/** Puts the volume last deleted from the path back there. */
	@PostExchange("/recycle-bin/restore")
	Recycled restore(@RequestBody PathBody path);

	/** Purges the volumes deleted from the path, or (a null path) every one the caller may; answers those marked. */
	@PostExchange("/recycle-bin/purge")
	List<Recycled> purge(@RequestBody PathBody path);

	/** Creates a CurveFS file system owned by the caller. */
	@PostExchange("/fs")
	FileSystem createFs(@RequestBody NewFs fs);

	/** One page of the file systems the caller may see. */
	@GetExchange("/fs")
	Page<FileSystem> fileSystems(@RequestParam int page, @RequestParam int size, @RequestParam String sort);

	@GetExchange("/fs/{name}")
	FileSystem fileSystem(@PathVariable String name);

	/** Refused (FS_MOUNTED) while mounted; its data objects in S3 are left to the trash. */
	@DeleteExchange("/fs/{name}")
	void deleteFs(@PathVariable String name);

	record NewFs(String name) {
	}

	/** @param status READY, or CREATING while partitions wait for their metaservers */
	record FileSystem(long id, String name, String owner, long chunkSize, long blockSize, Instant createdAt,
			String status, List<FsPartition> partitions, List<FsMount> mounts) {
	}

	/** Inode ids [startInode, endInode) of the file system, on one metaserver copyset. */
	record FsPartition(long id, long startInode, long endInode, long copysetId, long logicalPoolId, String status) {
	}

	record FsMount(long id, String host, String mountPoint, Instant expiresAt, String cacheMode) {
	}

	/** @param path absolute; null where a call allows none */
	record PathBody(String path) {
	}

	/**
	 * A volume in the recycle bin (deleted and expires null once restored).
	 * @param purging its chunks are being deleted: no restore any more
	 */
	record Recycled(long id, String path, String owner, long size, Instant deleted, Instant expires,
			boolean purging) {
	}

	/**
	 * Replaces a volume's QoS limits (owner or root); the volume's open clients apply them
	 * at their next session refresh.
	 * @return the limits stored, the default burst filled in
	 */
	@PutExchange("/volumes/{id}/throttle")
	ThrottleLimits setThrottle(@PathVariable long id, @RequestBody ThrottleLimits limits);

	/** Removes every QoS limit of a volume. */
	@DeleteExchange("/volumes/{id}/throttle")
	void clearThrottle(@PathVariable long id);

	/**
	 * QoS limits of a volume; null or 0 is no limit.
	 * @param burstMs milliseconds of each limit an idle volume saves up and may spend at
	 * once; null: the MDS's default (100)
	 */
	record ThrottleLimits(Long iops, Long readIops, Long writeIops, Long bps, Long readBps, Long writeBps,
			Long burstMs) {
	}

	/**
	 * Takes a snapshot of a volume (owner or root): answers once its point in time is
	 * fixed, PENDING while the snapshot service copies it to the object store.
	 */
	@PostExchange("/snapshots")
	Snapshot createSnapshot(@RequestBody NewSnapshot snapshot);

	/** One page of a volume's snapshots, or (a name given) the one of that name. */
	@GetExchange("/snapshots")
	Page<Snapshot> snapshots(@RequestParam String volume, @RequestParam(required = false) String name,
			@RequestParam int page, @RequestParam int size);

	@GetExchange("/snapshots/{id}")
	Snapshot snapshot(@PathVariable String id);

	/** Deletes a snapshot (a PENDING one stops copying); answers it DELETING while its objects go. */
	@DeleteExchange("/snapshots/{id}")
	Snapshot deleteSnapshot(@PathVariable String id);

	/** @param volume the volume's path */
	record NewSnapshot(String volume, String name) {
	}

	/**
	 * A snapshot in the MDS's catalog.
	 * @param status PENDING (being copied to the object store), DONE, ERROR or DELETING
	 * @param progress percent of the volume's chunks copied
	 * @param size the volume's length at the snapshot
	 * @param error why an ERROR snapshot failed
	 */
	record Snapshot(String id, String volume, long volumeId, String name, long seq, String status, int progress,
			long size, Instant created, String error) {
	}

	/**
	 * Makes a clone (owner of the source or root): a new volume at {@code path} that reads
	 * its source snapshot until flattened.
	 * @return the clone, its link set
	 */
	@PostExchange("/clones")
	Volume createClone(@RequestBody NewClone clone);

	/** Starts the flatten of a linked clone (idempotent): answers it FLATTENING. */
	@PostExchange("/volumes/flatten")
	Volume flatten(@RequestBody PathBody path);

	/** A volume or directory by its path. */
	@GetExchange("/volumes/info")
	Volume volume(@RequestParam String path);

	/**
	 * @param source {@code /dir/vol@snapshot} (a snapshot DONE in the object store) or
	 * {@code /dir/vol} (the MDS snapshots the volume for the clone)
	 * @param lazy false: the clone is flattened as soon as its source is in the object store
	 */
	record NewClone(String source, String path, boolean lazy) {
	}

	/**
	 * A volume or directory as the MDS's REST API shows it (the fields the clients use).
	 * @param cloneLink the link to its source while it is a clone that reads it; null
	 * otherwise (JSON {@code clone}: a record component cannot be named so)
	 */
	record Volume(long id, String path, String type, String owner, long size, int chunkSize, Instant ctime,
			@JsonProperty("clone") CloneLink cloneLink) {
	}

	/**
	 * Where a clone reads what it was never written.
	 * @param status WAITING_FOR_SOURCE (the source snapshot is still being copied to the
	 * object store), LAZY or FLATTENING
	 * @param nextChunk FLATTENING: the chunks below it no longer need the source
	 * @param sourceChunks chunks of the source snapshot
	 */
	record CloneLink(String sourcePath, long sourceVolumeId, String snapshotId, String snapshotName, String status,
			long nextChunk, long sourceChunks) {
	}

	record NewUser(String name, String password) {

		@Override
		public String toString() {
			return "NewUser[" + this.name + "]";
		}

	}

	record User(String name, Instant created) {
	}

	record Scheduler(String name, boolean paused) {
	}

	/** One page of a list, as the MDS pages every list. */
	record Page<T>(List<T> content, PageMetadata page) {

		/** Every element of a listing, fetching page 0, 1, ... until the last one. */
		public static <T> List<T> all(IntFunction<Page<T>> fetch) {
			List<T> all = new ArrayList<>();
			Page<T> answer;
			int page = 0;
			do {
				answer = fetch.apply(page++);
				all.addAll(answer.content());
			}
			while (page < answer.page().totalPages());
			return all;
		}

	}

	/** @param number of this page, from 0 */
	record PageMetadata(long size, long number, long totalElements, long totalPages) {
	}

	/** Unsigned calls (an MDS without authentication). */
	static MdsRestApi connect(List<String> httpAddresses) {
		return connect(httpAddresses, null);
	}

	/**
	 * @param httpAddresses {@code host:port} (or {@code http://host:port}) of MDS members
	 * @param credentials signs every request as this user; null sends unsigned requests
	 */
	static MdsRestApi connect(List<String> httpAddresses, Credentials credentials) {
		return connect(httpAddresses, credentials, DEFAULT_RETRY_BUDGET);
	}

	/** @param retryBudget how long one call may look for a leader before it fails UNAVAILABLE */
	static MdsRestApi connect(List<String> httpAddresses, Credentials credentials, Duration retryBudget) {
		SigningKey key = credentials == null ? null : SigningKey.of(credentials.user(), credentials.password());
		// no base URL: the request factory sends the path to whichever member leads
		RestClient rest = RestClient.builder()
			.requestFactory(new MdsLeaderRequestFactory(new MdsLeaderHttp(httpAddresses, retryBudget), key))
			.configureMessageConverters((converters) -> converters
				.withStringConverter(new StringHttpMessageConverter(StandardCharsets.UTF_8))
				.withJsonConverter(new JacksonJsonHttpMessageConverter(JsonMapper.builder().build())))
			// a redirect is still unfollowed only after MdsLeaderHttp gave up on the hops: an error too
			.defaultStatusHandler((status) -> !status.is2xxSuccessful(), new MdsProblemHandler())
			.build();
		return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(rest))
			// spring-core's: the default one (formatting) would need spring-context for ints and strings
			.conversionService(DefaultConversionService.getSharedInstance())
			.build()
			.createClient(MdsRestApi.class);
	}

}
