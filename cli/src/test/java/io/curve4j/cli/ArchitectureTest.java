package io.curve4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The boundaries of the whole code base, checked on every module's compiled classes (this
 * module builds last, so all are there): sofa-jraft only behind the Raft layer, RocksDB
 * only behind the store, no package cycles, a package-info for every package. A new module
 * is covered by being a directory with a pom.xml next to the others.
 */
class ArchitectureTest {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	/** The one class that speaks to both libraries: it tunes jraft's RocksDB log. */
	private static final String RAFT_LOG_ROCKS_OPTIONS = "io.curve4j.common.store.RaftLogRocksOptions";

	private static JavaClasses mainClasses;

	private static JavaClasses allClasses;

	@BeforeAll
	static void importClasses() throws IOException {
		List<Path> main = new ArrayList<>();
		List<Path> all = new ArrayList<>();
		for (Path module : modules()) {
			Path classes = module.resolve("target/classes/io/curve4j");
			Path testClasses = module.resolve("target/test-classes/io/curve4j");
			assertThat(classes).as("compiled classes of " + module.getFileName() + " (build the whole tree first)")
				.isDirectory();
			main.add(classes);
			all.add(classes);
			if (Files.isDirectory(testClasses)) {
				all.add(testClasses);
			}
		}
		// generated protobuf and gRPC stubs follow their generator's rules, not ours
		mainClasses = new ClassFileImporter().importPaths(without(main, "proto"));
		allClasses = new ClassFileImporter().importPaths(without(all, "proto"));
	}

	@Test
	void onlyTheRaftLayerUsesSofaJraft() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackage("io.curve4j.common.raft..")
			.and()
			.doNotHaveFullyQualifiedName(RAFT_LOG_ROCKS_OPTIONS)
			.should()
			.dependOnClassesThat()
			.resideInAPackage("com.alipay.sofa.jraft..")
			.because("sofa-jraft is an implementation detail of io.curve4j.common.raft: build on RaftHost, "
					+ "RaftGroup, CommandStateMachine and SnapshotStore instead");
		rule.check(allClasses);
	}

	@Test
	void onlyTheStoreUsesRocksDb() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackage("io.curve4j.common.store..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.rocksdb..")
			.because("RocksDB is an implementation detail of io.curve4j.common.store: declare a StoreDefinition "
					+ "of ColumnFamily definitions and use RocksStore");
		rule.check(allClasses);
	}

	@Test
	void packagesHaveNoCycles() {
		slices().matching("io.curve4j.(**)").should().beFreeOfCycles().check(mainClasses);
	}

	@Test
	void everyPackageSaysWhatItIsFor() throws IOException {
		List<String> missing = new ArrayList<>();
		for (Path module : modules()) {
			Path sources = module.resolve("src/main/java");
			if (!Files.isDirectory(sources)) {
				continue;
			}
			try (Stream<Path> files = Files.walk(sources)) {
				files.filter(f -> f.toString().endsWith(".java"))
					.map(Path::getParent)
					.distinct()
					.filter(dir -> !Files.exists(dir.resolve("package-info.java")))
					.forEach(dir -> missing.add(ROOT.relativize(dir).toString()));
			}
		}
		assertThat(missing).as("packages without a package-info.java saying what they are for").isEmpty();
	}

	@Test
	void theRulesSeeEveryModule() {
		assertThat(mainClasses.containPackage("io.curve4j.common.raft")).isTrue();
		assertThat(mainClasses.containPackage("io.curve4j.mds.raft")).isTrue();
		assertThat(mainClasses.containPackage("io.curve4j.chunk.copyset")).isTrue();
		assertThat(mainClasses.containPackage("io.curve4j.sdk.block")).isTrue();
		assertThat(mainClasses.containPackage("io.curve4j.cli")).isTrue();
	}

	private static List<Path> modules() throws IOException {
		try (Stream<Path> entries = Files.list(ROOT)) {
			return entries.filter(d -> Files.exists(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("src")))
				.sorted()
				.toList();
		}
	}

	private static List<Path> without(List<Path> paths, String module) {
		return paths.stream().filter(p -> !ROOT.relativize(p).startsWith(module)).toList();
	}

}
