package io.curve4j.cli;

import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import io.curve4j.sdk.cluster.Credentials;
import io.curve4j.sdk.cluster.MdsRestApi;

/**
 * {@code curve user create|list|delete}: users of the cluster, managed by root. A user's
 * password signs its requests ({@code --user NAME} with {@code $CURVE_PASSWORD}).
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Users (root only).",
		subcommands = { UserCommand.Create.class, UserCommand.ListUsers.class, UserCommand.Delete.class })
final class UserCommand {

	@Command(name = "create", mixinStandardHelpOptions = true,
			description = "Create a user. Prints its password when it was generated.")
	static final class Create implements Runnable {

		@Mixin
		ClusterOptions cluster;

		@Spec
		CommandSpec spec;

		@Parameters(index = "0", paramLabel = "NAME", description = "Letters, digits, '.', '_' or '-'.")
		String name;

		@Option(names = "--password-file", paramLabel = "FILE",
				description = "Read the password from the first line of FILE. Default: generate one.")
		Path passwordFile;

		@Override
		public void run() {
			boolean generated = this.passwordFile == null;
			String password = generated ? Credentials.newSecret() : Credentials.read(this.passwordFile);
			MdsRestApi.User user = this.cluster.rest().createUser(new MdsRestApi.NewUser(this.name, password));
			this.spec.commandLine().getOut().println("created user " + user.name()
					+ (generated ? "\npassword: " + password : ""));
		}

	}

	@Command(name = "list", mixinStandardHelpOptions = true, description = "List users (root is configured, not listed).")
	static final class ListUsers implements Runnable {

		@Mixin
		ClusterOptions cluster;

		@Mixin
		OutputOptions output;

		@Spec
		CommandSpec spec;

		@Override
		public void run() {
			MdsRestApi rest = this.cluster.rest();
			List<MdsRestApi.User> users = MdsRestApi.Page.all((page) -> rest.users(page, 1000, "name"));
			this.output.print(this.spec.commandLine().getOut(), users, (out) -> {
				Table table = new Table("NAME", "CREATED");
				for (MdsRestApi.User u : users) {
					table.row(u.name(), u.created() == null ? "" : u.created().toString());
				}
				table.print(out, "");
			});
		}

	}

	@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a user; its volumes stay.")
	static final class Delete implements Runnable {

		@Mixin
		ClusterOptions cluster;

		@Spec
		CommandSpec spec;

		@Parameters(index = "0", paramLabel = "NAME")
		String name;

		@Override
		public void run() {
			this.cluster.rest().deleteUser(this.name);
			this.spec.commandLine().getOut().println("deleted user " + this.name);
		}

	}

}
