// What a JVM client of Zoom does, as PingFederate's Zoom connector would: a Server-to-Server OAuth
// token from the token host, then a SCIM2 call to the API host, over HTTPS with certificate and
// hostname verification on. The test compiles it once, then runs: java ZoomProbe TOKEN_URL API_BASE ACCOUNT CLIENT
// (the client secret comes from ZOOM_CLIENT_SECRET, never from the command line).
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ZoomProbe {
    public static void main(String[] args) throws Exception {
        String tokenUrl = args[0], apiBase = args[1], account = args[2], client = args[3];
        String secret = System.getenv("ZOOM_CLIENT_SECRET");
        HttpClient http = HttpClient.newHttpClient();
        String basic = Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
        HttpRequest tokenRequest = HttpRequest.newBuilder(URI.create(tokenUrl))
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=account_credentials&account_id=" + account))
            .build();
        HttpResponse<String> token = http.send(tokenRequest, HttpResponse.BodyHandlers.ofString());
        System.out.println("token " + token.statusCode());
        Matcher found = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(token.body());
        if (!found.find()) {
            System.out.println("no access token");
            System.exit(1);
        }
        HttpRequest list = HttpRequest.newBuilder(URI.create(apiBase + "/scim2/Users?startIndex=1&count=5"))
            .header("Authorization", "Bearer " + found.group(1))
            .GET()
            .build();
        HttpResponse<String> users = http.send(list, HttpResponse.BodyHandlers.ofString());
        Matcher total = Pattern.compile("\"totalResults\":(\\d+)").matcher(users.body());
        System.out.println("scim " + users.statusCode() + " totalResults " + (total.find() ? total.group(1) : "?"));
    }
}
