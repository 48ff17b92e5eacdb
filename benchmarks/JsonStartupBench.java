import io.boxscope.proc.container.RuntimeApis;
import io.boxscope.proc.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a library would cost Boxscope at start-up, in a fresh JVM as a CLI command runs: the time
 * from the first use to the result, class loading and initialisation included. Launched by
 * benchmarks/json-startup, one mode per JVM:
 *   boxscope | jackson | gson   write a mem-top-sized document (300 rows, pretty) and parse it back
 *   unixhttp                    Boxscope's GET /containers/json on the Docker socket (RuntimeApis)
 *   httpclient URL              java.net.http.HttpClient GET of the same body from a local TCP server
 *                               (the JDK's client cannot speak to a unix socket at all)
 * Jackson and Gson are loaded from the class path by reflection-free calls compiled against them.
 */
public final class JsonStartupBench {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        long t0 = System.nanoTime();
        int size = switch (mode) {
            case "boxscope" -> {
                String text = Json.pretty(document());
                yield ((List<?>) Json.asObject(Json.parse(text)).get("rows")).size() + text.length() * 0;
            }
            case "jackson" -> {
                var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
                String text = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(document());
                yield ((List<?>) mapper.readValue(text, Map.class).get("rows")).size();
            }
            case "gson" -> {
                var gson = new com.google.gson.GsonBuilder().setPrettyPrinting().create();
                String text = gson.toJson(document());
                yield ((List<?>) gson.fromJson(text, Map.class).get("rows")).size();
            }
            case "unixhttp" -> RuntimeApis.defaults().lookup().byId().size();
            case "httpclient" -> {
                HttpClient c = HttpClient.newHttpClient();
                String body = c.send(HttpRequest.newBuilder(URI.create(args[1])).build(), HttpResponse.BodyHandlers.ofString()).body();
                yield Json.asList(Json.parse(body)).size();
            }
            default -> throw new IllegalArgumentException(mode);
        };
        long t1 = System.nanoTime();
        // CPU time of the whole process (JVM start included, the same for every mode): unlike wall time,
        // it hardly moves when other processes compete for the CPUs.
        long cpuNs = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
        System.out.printf(Locale.ROOT, "mode=%s first_use_ms=%.1f process_cpu_ms=%.1f items=%d%n", mode, (t1 - t0) / 1e6, cpuNs / 1e6, size);
    }

    /** 300 rows shaped like mem top --json's. */
    static Map<String, Object> document() {
        Map<String, Object> o = Json.object();
        o.put("by", "process");
        o.put("unit", "kB");
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Map<String, Object> r = Json.object();
            r.put("pid", 1000 + i);
            r.put("user", "root");
            r.put("command", "/usr/bin/some-daemon --flag=" + i + " \u00e9");
            r.put("container", null);
            r.put("processes", 1);
            r.put("swap_kb", 0L);
            r.put("uss_kb", 1234L + i);
            r.put("pss_kb", 2345L + i);
            r.put("rss_kb", 4567L + i);
            rows.add(r);
        }
        o.put("rows", rows);
        return o;
    }
}
