package io.curve4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Left-aligned text columns sized to their widest cell, for listings. */
final class Table {

	private final List<String[]> rows = new ArrayList<>();

	Table(String... header) {
		this.rows.add(header);
	}

	Table row(Object... cells) {
		String[] row = new String[cells.length];
		for (int i = 0; i < cells.length; i++) {
			row[i] = String.valueOf(cells[i]);
		}
		this.rows.add(row);
		return this;
	}

	boolean isEmpty() {
		return this.rows.size() == 1;
	}

	void print(PrintWriter out, String indent) {
		int columns = this.rows.get(0).length;
		int[] widths = new int[columns];
		for (String[] row : this.rows) {
			for (int i = 0; i < columns && i < row.length; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		for (String[] row : this.rows) {
			StringBuilder line = new StringBuilder(indent);
			for (int i = 0; i < columns && i < row.length; i++) {
				line.append(row[i]);
				if (i < columns - 1) {
					line.append(" ".repeat(widths[i] - row[i].length() + 2));
				}
			}
			out.println(line.toString().stripTrailing());
		}
	}

}
