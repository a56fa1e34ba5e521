package io.curve4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ParseResult;

import io.curve4j.common.error.CurveException;
import io.curve4j.cli.LocalCommand;

/**
 * The {@code curve} command line. Exit codes: 0 success, 1 an error (printed as
 * {@code error: CODE: detail} on stderr; stack traces only with {@code --verbose}), 2
 * bad usage.
 */
@Command(name = "curve", mixinStandardHelpOptions = true, version = "curve4j 0.1.0",
		description = "Curve4J distributed storage: cluster, volumes, file systems, benchmarks.",
		subcommands = { HelpCommand.class, LocalCommand.class, StatusCommand.class, TopologyCommand.class,
				VolumeCommand.class, FsCommand.class, RecycleCommand.class, BenchCommand.class, FloorCommand.class, NbdCommand.class,
				UserCommand.class, SnapshotCommand.class, CloneCommand.class,
				CloneCommand.Flatten.class })
public final class CurveCli {

	/** Exit code of a command that failed (usage errors exit with 2, picocli's default). */
	public static final int EXIT_ERROR = 1;

	public static void main(String[] args) {
		configureLogging(Arrays.asList(args).contains("--verbose"));
		System.exit(commandLine().execute(args));
	}

	/** The command tree with its error handling; tests redirect its out and err. */
	public static CommandLine commandLine() {
		CommandLine commandLine = new CommandLine(new CurveCli());
		// picocli's own, renamed (its name is generate-completion) and listed (it is hidden)
		CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
		completion.getCommandSpec().usageMessage().hidden(false);
		commandLine.addSubcommand("completion", completion);
		commandLine.setExecutionExceptionHandler(CurveCli::onError);
		return commandLine;
	}

	private static int onError(Exception ex, CommandLine commandLine, ParseResult parseResult) {
		PrintWriter err = commandLine.getErr();
		if (ex instanceof CurveException ce) {
			err.println("error: " + ce.code() + ": " + ce.getMessage());
		}
		else {
			err.println("error: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
		}
		if (verbose(parseResult)) {
			ex.printStackTrace(err);
		}
		err.flush();
		return EXIT_ERROR;
	}

	private static boolean verbose(ParseResult parseResult) {
		for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
			if (p.hasMatchedOption("--verbose")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Logs go to stderr, warnings only (INFO with --verbose), so that stdout carries
	 * just the command's output.
	 */
	private static void configureLogging(boolean verbose) {
		if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
			return;
		}
		context.reset();
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(context);
		encoder.setPattern("%level %logger{0}: %msg%n");
		encoder.start();
		ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
		appender.setContext(context);
		appender.setTarget("System.err");
		appender.setEncoder(encoder);
		appender.start();
		Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		root.setLevel(verbose ? Level.INFO : Level.WARN);
		root.addAppender(appender);
	}

}
