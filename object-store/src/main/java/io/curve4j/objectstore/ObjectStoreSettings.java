package io.curve4j.objectstore;

import java.net.URI;

import jakarta.validation.constraints.NotBlank;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Where the snapshots' S3-compatible object store is and how to sign in to it: bound
 * under {@code curve.snapshot.s3.*} in the snapshot service and
 * {@code curve.chunkserver.object-store.*} on the chunkservers, which read the sources
 * of lazy clones from it.
 */
public class ObjectStoreSettings {

	/** The store's URL (S3Proxy, MinIO, Ceph RGW); unset for AWS itself. */
	private URI endpoint;

	@NotBlank
	private String bucket = "curve-snapshots";

	/** With {@link #secretKey}; both unset take the AWS SDK's default credentials (environment, profile, role). */
	private String accessKey;

	private String secretKey;

	@NotBlank
	private String region = "us-east-1";

	/**
	 * A client for the store.
	 * @param prefix the settings' property prefix, for the message of a bad setting
	 * @throws IllegalStateException when only one of the two keys is set
	 */
	public S3Client newClient(String prefix) {
		S3ClientBuilder builder = S3Client.builder()
			.region(Region.of(this.region))
			.credentialsProvider(credentials(prefix))
			.overrideConfiguration(c -> c.addExecutionInterceptor(new S3RequestMetrics()));
		if (this.endpoint != null) {
			// S3Proxy, MinIO and RGW serve buckets as paths, not as host names
			builder.endpointOverride(this.endpoint).forcePathStyle(true);
		}
		return builder.build();
	}

	private AwsCredentialsProvider credentials(String prefix) {
		boolean access = this.accessKey != null && !this.accessKey.isBlank();
		boolean secret = this.secretKey != null && !this.secretKey.isBlank();
		if (access != secret) {
			throw new IllegalStateException(prefix + ".access-key and " + prefix + ".secret-key go together: "
					+ "set both, or neither to use the AWS SDK's default credentials");
		}
		return access ? StaticCredentialsProvider.create(AwsBasicCredentials.create(this.accessKey, this.secretKey))
				: DefaultCredentialsProvider.builder().build();
	}

	public URI getEndpoint() {
		return this.endpoint;
	}

	public void setEndpoint(URI endpoint) {
		this.endpoint = endpoint;
	}

	public String getBucket() {
		return this.bucket;
	}

	public void setBucket(String bucket) {
		this.bucket = bucket;
	}

	public String getAccessKey() {
		return this.accessKey;
	}

	public void setAccessKey(String accessKey) {
		this.accessKey = accessKey;
	}

	public String getSecretKey() {
		return this.secretKey;
	}

	public void setSecretKey(String secretKey) {
		this.secretKey = secretKey;
	}

	public String getRegion() {
		return this.region;
	}

	public void setRegion(String region) {
		this.region = region;
	}

}
