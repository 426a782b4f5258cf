import { z } from 'zod';
import { defineSource, outcome } from './source.js';

// https://docs.docker.com/docker-hub/repos/manage/webhooks/
const Payload = z.looseObject({
  push_data: z.looseObject({ tag: z.string().max(128).optional() }),
  repository: z.looseObject({ repo_name: z.string().min(1).max(512) }),
});

export const dockerhubSource = defineSource({
  kind: 'dockerhub',
  summary: 'Docker Hub repository webhooks',
  description:
    'Docker Hub cannot set headers: add the secret to the URL as `?secret=<secret>`. A push of a tag starts a check of the containers on `docker.io/<repo>:<tag>`.',
  auth: 'bearer-or-query',
  schema: Payload,
  read: ({ payload }) => {
    const tag = payload.push_data.tag;
    const image = `docker.io/${payload.repository.repo_name}`;
    return outcome(tag ? [`${image}:${tag}`] : [], 'no tag pushed');
  },
});
