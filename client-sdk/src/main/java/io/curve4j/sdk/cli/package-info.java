/**
 * The {@code curve} command line (picocli): cluster status and topology over the MDS
 * REST API ({@link io.curve4j.sdk.cli.MdsRestClient}), volumes, import/export and the
 * benchmark through the block SDK. {@code curve local} lives in
 * {@code io.curve4j.sdk.local}.
 */
package io.curve4j.sdk.cli;
