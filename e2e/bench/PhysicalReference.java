// The physical reference of the cluster benchmark (e2e/bench/cluster.e2e-bench.ts, issue 11): how fast one JVM can
// serialize the benchmark's entries and copy them to another JVM over loopback, which stores them. Migration in a
// cluster does that and more (operations, backups, commits), so a migration rate divided by this one says how close
// the cluster gets to what the machine can do.
//
//   java PhysicalReference.java receive <port>                      stores what arrives, answers one byte at the end
//   java PhysicalReference.java send <port> <entries> <valueBytes>   builds the entries (as e2e/bench fills its map),
//                                                                  then times serialize + copy + store until the answer
// The sender prints one JSON line: {"bytes":...,"ms":...,"mibPerS":...}. Single-file source launch, JDK 11+.
import java.io.*;
import java.net.*;
import java.util.*;

public class PhysicalReference {
  public static void main(String[] args) throws Exception {
    if (args[0].equals("receive")) receive(Integer.parseInt(args[1]));
    else send(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
  }

  static void receive(int port) throws Exception {
    try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      System.out.println("listening");
      System.out.flush();
      try (Socket s = server.accept()) {
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
        Map<Integer, byte[]> store = new HashMap<>();
        for (;;) {
          int key = in.readInt();
          int len = in.readInt();
          if (len < 0) break;
          byte[] value = new byte[len];
          in.readFully(value);
          store.put(key, value);
        }
        s.getOutputStream().write(store.size() > 0 ? 1 : 0);
        s.getOutputStream().flush();
      }
    }
  }

  static void send(int port, int entries, int valueBytes) throws Exception {
    Map<Integer, byte[]> map = new HashMap<>();
    for (int k = 0; k < entries; k++) {
      byte[] v = new byte[valueBytes];
      Arrays.fill(v, (byte) k);
      v[0] = (byte) (k >>> 24); v[1] = (byte) (k >>> 16); v[2] = (byte) (k >>> 8); v[3] = (byte) k;
      map.put(k, v);
    }
    long bytes = 0;
    long t0 = System.nanoTime();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
      for (Map.Entry<Integer, byte[]> e : map.entrySet()) {
        // serialize: a copy into a fresh buffer, as a migration operation writes each record before sending it
        ByteArrayOutputStream record = new ByteArrayOutputStream(e.getValue().length + 8);
        DataOutputStream r = new DataOutputStream(record);
        r.writeInt(e.getKey());
        r.writeInt(e.getValue().length);
        r.write(e.getValue());
        record.writeTo(out);
        bytes += e.getValue().length;
      }
      out.writeInt(0);
      out.writeInt(-1);
      out.flush();
      if (s.getInputStream().read() != 1) throw new IOException("the receiver stored nothing");
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("{\"bytes\":%d,\"ms\":%d,\"mibPerS\":%.1f}%n", bytes, ms, bytes / 1048576.0 / Math.max(ms, 1) * 1000);
  }
}
