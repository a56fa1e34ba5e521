/** The trash cleaner: inodes without links past the trash period go, with their objects in S3. */
package io.curve4j.metaserver.trash;
