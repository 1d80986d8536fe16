import io.ironsync.testkit.TestKafka;
import io.ironsync.testkit.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Starts the servers two gateway nodes share for {@code bench/sync-push.sh}: a real Kafka 3.9 broker
 * (KRaft, one node) and a PostgreSQL 18 server (embedded binaries), both from the project's testkit
 * and on loopback ports, nothing installed. Writes {@code KAFKA=host:port} and {@code
 * PG_URL=postgresql://...} to ENV_FILE once both answer, then runs until it is killed (SIGTERM stops
 * both and deletes their files) or MAX_SECONDS have passed. Runs with the testkit's class path:
 *
 * <pre>
 * mvn -o -q dependency:build-classpath -pl modules/testkit -Dmdep.outputFile=testkit.cp
 * java -cp modules/testkit/target/classes:$(cat testkit.cp) bench/KafkaAndPostgres.java ENV_FILE MAX_SECONDS
 * </pre>
 */
public class KafkaAndPostgres {

  public static void main(String[] args) throws Exception {
    Path envFile = Path.of(args[0]);
    long maxSeconds = Long.parseLong(args[1]);
    TestKafka kafka = TestKafka.start();
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "bench-kafka-stop"));
    String pgUrl = TestPostgres.shared().newDatabase();
    Path temp = envFile.resolveSibling(envFile.getFileName() + ".tmp");
    Files.writeString(temp, "KAFKA=" + kafka.bootstrapServers() + "\nPG_URL=" + pgUrl + "\n");
    Files.move(temp, envFile, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("servers up: " + kafka.bootstrapServers() + " " + pgUrl);
    Thread.sleep(maxSeconds * 1000);
    System.out.println("time limit reached, stopping");
    System.exit(0);
  }
}
