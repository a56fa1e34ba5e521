/**
 * The snapshot service: a Spring Boot process that holds the MDS's snapshot worker lease
 * and copies snapshots to S3-compatible object storage, and removes deleted ones.
 */
package io.curve4j.snapshot;
