/**
 * The {@code curve} command line (picocli): the local cluster ({@code curve local}, over
 * {@link io.curve4j.local.LocalCluster}), cluster status, topology and users over the MDS
 * REST API, volumes, import/export and the NBD server through the block SDK, and the load
 * tools of {@code io.curve4j.bench}.
 */
package io.curve4j.cli;
