package io.curve4j.common.store;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A database's schema: its column families with their codecs, in the manner of Apache
 * Ozone's {@code DBDefinition}. Each service that keeps metadata in RocksDB declares one.
 *
 * @param name for messages, e.g. "mds"
 * @param columnFamilies every typed column family; a name may appear more than once
 * (typed views of one column family)
 */
public record StoreDefinition(String name, List<ColumnFamily<?, ?>> columnFamilies) {

	public StoreDefinition {
		columnFamilies = List.copyOf(columnFamilies);
	}

	/** The distinct column family names to open, in declaration order. */
	Set<String> columnFamilyNames() {
		Set<String> names = new LinkedHashSet<>();
		this.columnFamilies.forEach(cf -> names.add(cf.name()));
		return names;
	}

}
