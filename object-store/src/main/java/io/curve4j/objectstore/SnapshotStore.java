package io.curve4j.objectstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.json.JsonMapper;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The snapshots in one S3 bucket: chunk objects and manifests (see {@link ObjectKeys}).
 * Every call goes straight to S3; failures surface as the SDK's exceptions, which the
 * task runner sorts into retried and final ones.
 */
public final class SnapshotStore {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The most keys one DeleteObjects request takes. */
	private static final int DELETE_BATCH = 1000;

	private final S3Client s3;

	private final String bucket;

	public SnapshotStore(S3Client s3, String bucket) {
		this.s3 = s3;
		this.bucket = bucket;
	}

	public String bucket() {
		return this.bucket;
	}

	/** Creates the bucket unless it exists. */
	public void ensureBucket() {
		try {
			this.s3.headBucket((b) -> b.bucket(this.bucket));
		}
		catch (NoSuchBucketException ex) {
			try {
				this.s3.createBucket((b) -> b.bucket(this.bucket));
			}
			catch (BucketAlreadyOwnedByYouException raced) {
				// another service instance created it meanwhile: what we wanted
			}
		}
	}

	public boolean exists(String key) {
		try {
			this.s3.headObject((b) -> b.bucket(this.bucket).key(key));
			return true;
		}
		catch (NoSuchKeyException ex) {
			return false;
		}
		catch (S3Exception ex) {
			// HEAD answers carry no error body, so a missing key can arrive as a bare 404
			if (ex.statusCode() == 404) {
				return false;
			}
			throw ex;
		}
	}

	public void put(String key, byte[] data) {
		this.s3.putObject((b) -> b.bucket(this.bucket).key(key).contentLength((long) data.length),
				RequestBody.fromBytes(data));
	}

	public byte[] get(String key) {
		ResponseBytes<GetObjectResponse> bytes = this.s3.getObjectAsBytes((b) -> b.bucket(this.bucket).key(key));
		return bytes.asByteArray();
	}

	/** {@code length} bytes of an object from {@code offset} (a ranged GET). */
	public byte[] getRange(String key, long offset, int length) {
		String range = "bytes=" + offset + "-" + (offset + length - 1);
		return this.s3.getObjectAsBytes((b) -> b.bucket(this.bucket).key(key).range(range)).asByteArray();
	}

	public void putManifest(SnapshotManifest manifest) {
		put(ObjectKeys.manifest(manifest.volumeId(), manifest.id()), JSON.writeValueAsBytes(manifest));
	}

	public Optional<SnapshotManifest> manifest(long volumeId, String snapshotId) {
		String key = ObjectKeys.manifest(volumeId, snapshotId);
		try {
			return Optional.of(JSON.readValue(get(key), SnapshotManifest.class));
		}
		catch (NoSuchKeyException ex) {
			return Optional.empty();
		}
	}

	/** Every manifest of a volume's snapshots in the store. */
	public List<SnapshotManifest> manifests(long volumeId) {
		List<SnapshotManifest> manifests = new ArrayList<>();
		for (String key : keys(ObjectKeys.manifestPrefix(volumeId))) {
			try {
				manifests.add(JSON.readValue(get(key), SnapshotManifest.class));
			}
			catch (NoSuchKeyException ex) {
				// deleted between the listing and the read: no longer references anything
			}
		}
		return manifests;
	}

	/** Every key under {@code prefix}, all pages of the listing. */
	public List<String> keys(String prefix) {
		return list(prefix).stream().map(Listed::key).toList();
	}

	/** An object as a listing shows it. */
	public record Listed(String key, java.time.Instant lastModified) {
	}

	/** Every object under {@code prefix} with its last change, all pages of the listing. */
	public List<Listed> list(String prefix) {
		List<Listed> objects = new ArrayList<>();
		this.s3.listObjectsV2Paginator((b) -> b.bucket(this.bucket).prefix(prefix))
			.contents()
			.forEach((o) -> objects.add(new Listed(o.key(), o.lastModified())));
		return objects;
	}

	public void delete(List<String> keys) {
		for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
			List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH))
				.stream()
				.map((key) -> ObjectIdentifier.builder().key(key).build())
				.toList();
			var response = this.s3.deleteObjects(
					(b) -> b.bucket(this.bucket).delete(Delete.builder().objects(batch).quiet(true).build()));
			if (response.hasErrors() && !response.errors().isEmpty()) {
				var first = response.errors().get(0);
				throw S3Exception.builder()
					.statusCode(500)
					.message(response.errors().size() + " of " + batch.size() + " deletes failed, first " + first.key()
							+ ": " + first.code() + " " + first.message())
					.build();
			}
		}
	}

}
