FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PTB_TIMEDELTA=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
COPY sandbox ./sandbox
RUN pip install . && useradd --create-home --uid 10001 bot && mkdir -p /app/data && chown bot /app/data

USER bot
ENV DATABASE_PATH=/app/data/bot.sqlite3 HTTP_HOST=0.0.0.0 HTTP_PORT=8080
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz').status != 200)"
CMD ["python", "-m", "bot", "run"]
