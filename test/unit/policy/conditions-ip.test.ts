import { describe } from "vitest";
import { conditionCase, runCases } from "./helpers.js";

const IP = "aws:SourceIp";

describe("IP address condition operators", () => {
  runCases([
    conditionCase("IpAddress", IP, "203.0.113.0/24", "203.0.113.7", true),
    conditionCase("IpAddress", IP, "203.0.113.0/24", "203.0.114.7", false),
    conditionCase("IpAddress", IP, "203.0.113.7", "203.0.113.7", true),
    conditionCase("IpAddress", IP, "203.0.113.7", "203.0.113.8", false),
    conditionCase("IpAddress", IP, "203.0.113.7/32", "203.0.113.7", true),
    conditionCase("IpAddress", IP, "0.0.0.0/0", "198.51.100.1", true),
    conditionCase("IpAddress", IP, "10.0.0.0/8", "10.255.255.255", true),
    conditionCase("IpAddress", IP, "10.0.0.0/8", "11.0.0.0", false),
    conditionCase("IpAddress", IP, "192.168.1.128/25", "192.168.1.127", false),
    conditionCase("IpAddress", IP, "192.168.1.128/25", "192.168.1.200", true),
    conditionCase("IpAddress", IP, ["198.51.100.0/24", "203.0.113.0/24"], "203.0.113.1", true),
    conditionCase("IpAddress", IP, "2001:DB8:1234:5678::/64", "2001:db8:1234:5678::1", true),
    conditionCase("IpAddress", IP, "2001:DB8:1234:5678::/64", "2001:db8:1234:5679::1", false),
    conditionCase("IpAddress", IP, "2001:db8::/32", "2001:db8:ffff::1", true),
    conditionCase("IpAddress", IP, "::1", "::1", true),
    conditionCase("IpAddress", IP, "::ffff:203.0.113.0/120", "::ffff:203.0.113.9", true),
    conditionCase(
      "IpAddress",
      IP,
      ["203.0.113.0/24", "2001:DB8:1234:5678::/64"],
      "2001:db8:1234:5678:a::1",
      true,
    ),
    conditionCase("IpAddress", IP, "203.0.113.0/24", "2001:db8::1", false),
    conditionCase("IpAddress", IP, "203.0.113.0/24", undefined, false),
    conditionCase("IpAddress", IP, "203.0.113.0/33", "203.0.113.1", false),
    conditionCase("IpAddress", IP, "203.0.113.0/24", "not-an-ip", false),
    conditionCase("NotIpAddress", IP, "203.0.113.0/24", "198.51.100.1", true),
    conditionCase("NotIpAddress", IP, "203.0.113.0/24", "203.0.113.1", false),
    conditionCase("NotIpAddress", IP, "203.0.113.0/24", undefined, true),
  ]);
});
