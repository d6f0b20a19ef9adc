// google_answers.cc — Google's crawl answers for the cases robots_answers
// reads (bench/robots_answers.c), for the differential test
// bench/robots_diff.py. Built OUTSIDE this repository next to robots.h and
// robots.cc of github google/robotstxt (see BENCHMARKS.md, "robots.txt:
// agreement with Google's parser"):
//   g++ -O2 -std=c++17 -o google_answers robots.cc google_answers.cc \
//       $(pkg-config --cflags --libs absl_strings)
// Prints, per query, 1 when allowed else 0, a tab, and Google's matching line.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "robots.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: google_answers CASES\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
        std::cerr << "google_answers: cannot read " << argv[1] << "\n";
        return 2;
    }
    std::string line, body;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
            line.pop_back();
        if (line.size() > 2 && line[0] == 'F' && line[1] == '\t') {
            std::ifstream f(line.substr(2), std::ios::binary);
            if (!f) {
                std::cerr << "google_answers: cannot read " << line.substr(2) << "\n";
                return 2;
            }
            std::stringstream ss;
            ss << f.rdbuf();
            body = ss.str();
        } else if (line.size() > 2 && line[0] == 'Q' && line[1] == '\t') {
            size_t tab = line.find('\t', 2);
            if (tab == std::string::npos)
                continue;
            std::string agent = line.substr(2, tab - 2), url = line.substr(tab + 1);
            googlebot::RobotsMatcher m;
            bool ok = m.OneAgentAllowedByRobots(body, agent, url);
            std::cout << (ok ? 1 : 0) << "\t" << m.matching_line() << "\n";
        }
    }
    return 0;
}
