package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

import java.util.List;

/** Seed 004, "Gathering Tasks": three fetches of 1, 2 and 3 s gathered; results in argument order after 3 s. */
public final class FetchData {
    static String fetchData(double delay, String data) {
        sleep(delay);
        return data;
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            List<String> result1 = gather(
                    () -> fetchData(1, "Data 1"),
                    () -> fetchData(2, "Data 2"),
                    () -> fetchData(3, "Data 3")).await();
            System.out.println(result1);
        });
    }
}
