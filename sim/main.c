#include <stdio.h>
int main(void) { puts("msasim " MSASIM_VERSION); return 0; }
