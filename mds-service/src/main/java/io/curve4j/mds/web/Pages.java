package io.curve4j.mds.web;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.web.PagedModel;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * One page of an in-memory list. The MDS keeps its lists small enough to sort in memory
 * (thousands of volumes, copysets, chunkservers); what is sortable is named per resource
 * so an unknown sort field is a 400 that lists the valid ones, never a silent default.
 */
public final class Pages {

	private Pages() {
	}

	/**
	 * @param all every item, in the order used when the request asks for no sort
	 * @param sortable comparator per sort field name
	 */
	public static <T> PagedModel<T> page(List<T> all, Pageable pageable, Map<String, Comparator<T>> sortable) {
		Comparator<T> order = null;
		for (Sort.Order o : pageable.getSort()) {
			Comparator<T> field = sortable.get(o.getProperty());
			if (field == null) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "unknown sort field '" + o.getProperty()
						+ "'; sort by one of " + sortable.keySet().stream().sorted().toList() + " (e.g. sort=name,desc)");
			}
			Comparator<T> directed = o.isAscending() ? field : field.reversed();
			order = order == null ? directed : order.thenComparing(directed);
		}
		List<T> sorted = order == null ? all : all.stream().sorted(order).toList();
		long offset = pageable.getOffset();
		List<T> content = offset >= sorted.size() ? List.of()
				: sorted.subList((int) offset, (int) Math.min(sorted.size(), offset + pageable.getPageSize()));
		return new PagedModel<>(new PageImpl<>(content, pageable, sorted.size()));
	}

}
