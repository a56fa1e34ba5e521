/**
 * The snapshot objects in S3: one object per chunk content, one manifest per snapshot,
 * and their keys.
 */
package io.curve4j.objectstore;
